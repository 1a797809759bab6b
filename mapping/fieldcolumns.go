package mapping

// FieldColumns returns the places in the header (0-based) of the columns
// field is read from — several for a value joined from columns — or nil
// for a constant or a field the mapping does not fill. A report uses it
// to mark the cells of a field the CRM refused. The slice is shared: do
// not change it.
func (b *Binding) FieldColumns(field string) []int {
	for i := range b.fields {
		if b.fields[i].name == field {
			return b.fields[i].cols
		}
	}
	return nil
}
