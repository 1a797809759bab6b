package main

import (
	"fmt"
	"strings"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/job"
)

// title is a vendor's name as people write it.
func title(reg crm.Registration) string {
	if reg.Title != "" {
		return reg.Title
	}
	return reg.Name
}

// builtInNote says that the built-in field list was used because the
// vendor's settings are not set, and how to use the account's own.
func builtInNote(reg crm.Registration) string {
	var names []string
	for _, e := range reg.Env {
		if e.Required {
			names = append(names, e.Name)
		}
	}
	return fmt.Sprintf("note: %s's built-in field list was used (it describes a fresh account), because %s %s not set; with %s, or with --sandbox, the account's own fields (custom ones, and which are switched on) are used",
		title(reg), strings.Join(names, ", "), plural(len(names), "is", "are"), plural(len(names), "it", "them"))
}

// switchOnText says where a vendor's field is switched on.
func switchOnText(reg crm.Registration) string {
	if reg.SwitchOn != "" {
		return "switch it on in " + reg.SwitchOn
	}
	return "switch it on in " + title(reg) + "'s settings"
}

// fieldName is a field's name with its label: des (Описание).
func fieldName(f job.Field) string {
	if f.Label != "" && f.Label != f.Name {
		return fmt.Sprintf("%s (%s)", f.Name, f.Label)
	}
	return f.Name
}
