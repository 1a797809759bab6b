package importer

// SetReuseRows turns the reuse of a dry run's rows' memory on or off, for
// a test comparing both; it returns what puts the setting back.
func SetReuseRows(on bool) (restore func()) {
	was := reuseRows
	reuseRows = on
	return func() { reuseRows = was }
}
