package sheet

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
)

// parts holds a zip's entries by OPC part name: case folded, "\" read as
// "/", without a leading "/".
type parts map[string]*zip.File

func partKey(name string) string {
	return strings.ToLower(strings.TrimLeft(strings.ReplaceAll(name, `\`, "/"), "/"))
}

// get returns the part named name, or nil.
func (p parts) get(name string) *zip.File { return p[partKey(name)] }

// newParts indexes a zip's entries, refusing one that holds a part twice:
// which copy a program uses differs, so the file cannot be trusted.
func newParts(z *zip.Reader) (parts, error) {
	p := make(parts, len(z.File))
	for _, f := range z.File {
		if strings.HasSuffix(f.Name, "/") {
			continue // a folder entry
		}
		k := partKey(f.Name)
		if first, dup := p[k]; dup {
			return nil, fmt.Errorf("the file holds %s twice (also as %s), so it is unclear which copy is the workbook: the file is damaged or was put together by a program; open it in Excel and save it again", f.Name, first.Name)
		}
		p[k] = f
	}
	return p, nil
}

// open opens part f for reading at most limit unpacked bytes; what names it
// in messages.
func (p parts) open(f *zip.File, what string, limit uint64) (io.ReadCloser, error) {
	if f.Flags&0x1 != 0 {
		return nil, errPasswordProtected
	}
	if f.UncompressedSize64 > limit {
		return nil, fmt.Errorf("%s unpacks to %d MiB, more than crmport reads (%d MiB): is it really a workbook? save the sheet as CSV (UTF-8) and import that", what, f.UncompressedSize64>>20, limit>>20)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return rc, nil
}

// openSheet opens a worksheet part, refusing a zip bomb: a sheet that
// unpacks to more than 256 MiB at more than 100 times its packed size.
func (p parts) openSheet(f *zip.File, name string) (io.ReadCloser, error) {
	if u, c := f.UncompressedSize64, f.CompressedSize64; u > bombFloor && u/max(c, 1) > maxPackedRatio {
		return nil, fmt.Errorf("sheet %q unpacks from %d KiB to %d MiB, far more than real sheets do (a \"zip bomb\"): crmport does not read it", name, c>>10, u>>20)
	}
	return p.open(f, fmt.Sprintf("sheet %q", name), maxSheetUnpacked)
}

type relationship struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

// readRels reads a relationships part and resolves targets against base.
func readRels(files parts, name, base string) ([]relationship, error) {
	var rels struct {
		Rel []relationship `xml:"Relationship"`
	}
	if err := readXMLPart(files, name, &rels); err != nil {
		return nil, err
	}
	for i, r := range rels.Rel {
		t := strings.ReplaceAll(r.Target, `\`, "/")
		if strings.HasPrefix(t, "/") {
			rels.Rel[i].Target = strings.TrimLeft(t, "/")
		} else {
			rels.Rel[i].Target = path.Clean(path.Join(base, t))
		}
	}
	return rels.Rel, nil
}

func readXMLPart(files parts, name string, v any) error {
	f := files.get(name)
	if f == nil {
		return fmt.Errorf("part %s is missing", name)
	}
	rc, err := files.open(f, "part "+name, maxPartBytes)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("part %s: %w", name, err)
	}
	return nil
}
