package job

import (
	"errors"
	"fmt"
	"strings"
)

// UsageError is a mistake in the settings a front end passed (a flag, in
// the CLI): the front end shows it with a hint to its help.
type UsageError struct {
	// Setting names the setting at fault ("vendor", "csv-options"), for a
	// front end that words it with its own name for it; "" if general.
	Setting string
	Err     error
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// usage wraps err as a UsageError.
func usage(err error) error { return &UsageError{Err: err} }

// usagef is usage(fmt.Errorf(format, args...)).
func usagef(format string, args ...any) error { return usage(fmt.Errorf(format, args...)) }

// MissingSettingsError says which CRMPORT_* settings a vendor needs and
// has not got. The front end says where to set them (or how to practise
// without an account).
type MissingSettingsError struct {
	Vendor string   // the vendor's name
	Names  []string // the missing settings, e.g. CRMPORT_SALESMAN_APIKEY
}

func (e *MissingSettingsError) Error() string {
	return fmt.Sprintf("%s needs %s", e.Vendor, strings.Join(e.Names, ", "))
}

// MappingProblems lists every problem of a mapping file at once, in the
// file's line order; the front end lists them.
type MappingProblems struct {
	File     string
	Problems []error
}

func (e *MappingProblems) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem", e.File, len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteString("s")
	}
	b.WriteString(" to fix")
	for _, p := range e.Problems {
		b.WriteString("; ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// FieldListError is a vendor's field list that could not be read: most
// often wrong settings for that vendor.
type FieldListError struct {
	Vendor string
	Err    error
}

func (e *FieldListError) Error() string {
	return fmt.Sprintf("cannot read %s's field list: %v", e.Vendor, e.Err)
}
func (e *FieldListError) Unwrap() error { return e.Err }

// IsUsage reports whether err is a UsageError.
func IsUsage(err error) bool {
	var u *UsageError
	return errors.As(err, &u)
}
