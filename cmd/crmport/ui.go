package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cli/browser"
	"github.com/spf13/cobra"

	"github.com/crmport/crmport/web"
)

// uiOptions are the inputs of `crmport ui`.
type uiOptions struct {
	Dir       string
	NoBrowser bool
}

// newUICmd builds `crmport ui`; runF replaces runUI in tests.
func newUICmd(f *factory, runF func(*uiOptions) error) *cobra.Command {
	opts := &uiOptions{}
	cmd := &cobra.Command{
		Use:   "ui [--dir FOLDER] [--no-browser]",
		Short: "Open the import and export page in your web browser",
		Long: `Open a page in your web browser that does the whole import — file, CRM,
mapping, check, import — and the export, without typing commands.

The page is served by crmport itself on this computer only (127.0.0.1);
its address carries a secret, so no other web site can use it. Uploaded
files, mappings, reports and exports stay in one folder on this computer
(--dir, default: the crmport folder in your home folder). Credentials typed
into the page are kept in memory only, never saved. Stop with Ctrl-C.`,
		Example: `  crmport ui
  crmport ui --dir D:\imports --no-browser`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Dir == "" {
				opts.Dir = defaultUIDir()
			}
			if runF != nil {
				return runF(opts)
			}
			return runUI(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Dir, "dir", "", "folder for uploaded files, mappings, reports and exports (default: crmport in your home folder)")
	fl.BoolVar(&opts.NoBrowser, "no-browser", false, "print the page's address without opening the browser")
	return cmd
}

// defaultUIDir is the crmport folder in the home folder.
func defaultUIDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "crmport")
	}
	return filepath.Join(home, "crmport")
}

func runUI(ctx context.Context, f *factory, opts *uiOptions) error {
	s, err := web.Listen(web.Options{Env: f.env(), Dir: opts.Dir, Log: f.IOStreams.ErrOut})
	if err != nil {
		return err
	}
	w := f.IOStreams.ErrOut
	fmt.Fprintf(f.IOStreams.Out, "%s\n", s.URL())
	fmt.Fprintf(w, "crmport's page is at the address above (open it in your browser).\nYour files are in %s\nClose this window or press Ctrl-C to stop.\n", s.Dir())
	if !opts.NoBrowser {
		if err := browser.OpenURL(s.URL()); err != nil {
			fmt.Fprintf(w, "could not open the browser (%v): open the address above yourself\n", err)
		}
	}
	return s.Serve(ctx)
}
