package sheet

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// tokens renders every token a reader gives, as text, up to the first
// error; ok is false when it ended with an error.
func tokens(next func() (xml.Token, error)) (out []string, ok bool) {
	for {
		tok, err := next()
		if errors.Is(err, io.EOF) {
			return out, true
		}
		if err != nil {
			return out, false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			s := "<" + t.Name.Space + ":" + t.Name.Local
			for _, a := range t.Attr {
				s += fmt.Sprintf(" %s:%s=%q", a.Name.Space, a.Name.Local, a.Value)
			}
			out = append(out, s)
		case xml.EndElement:
			out = append(out, "</"+t.Name.Space+":"+t.Name.Local)
		case xml.CharData:
			if n := len(out); n > 0 && strings.HasPrefix(out[n-1], "#") {
				out[n-1] += string(t) // encoding/xml may split text at CDATA
			} else {
				out = append(out, "#"+string(t))
			}
		}
	}
}

// checkScanner compares xmlScanner with encoding/xml's RawToken on doc:
// where encoding/xml reads the whole document, the scanner must give the
// same elements, attributes and text, read in one go or a byte at a time.
func checkScanner(t *testing.T, doc []byte) {
	want, ok := tokens(xml.NewDecoder(bytes.NewReader(doc)).RawToken)
	if !ok {
		return
	}
	for _, r := range []io.Reader{bytes.NewReader(doc), iotest.OneByteReader(bytes.NewReader(doc))} {
		got, gotOK := tokens(newXMLScanner(r).RawToken)
		if !gotOK || strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%q:\nencoding/xml %q\nscanner      %q (ok %v)", doc, want, got, gotOK)
		}
	}
}

var scannerSeeds = []string{
	`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" s="2" t="inlineStr"><is><t xml:space="preserve"> a &amp; b &lt;&gt;&quot;&apos; &#1046;&#x416;</t></is></c></row>` +
		`<row r="2"><c r='C2' t="str"><f>A1&amp;B1</f><v>Ромашка` + "\r\n" + `x` + "\r" + `y</v></c><c r="D2"/></row>` +
		`</sheetData><!-- a -- comment --><x:ext x:a="1"/></worksheet>`,
	`<a><![CDATA[<b>&amp;]]>tail</a>`,
	`<!DOCTYPE a [<!ENTITY x "y">]><a b = "1"	c="&#9;"/>`,
	`<a>` + strings.Repeat("Зелёная &amp; ", 20000) + `</a>`,
	`<a></a>`, `<a/>`, "<a>\r</a>\r",
}

func TestXMLScannerMatchesEncodingXML(t *testing.T) {
	t.Parallel()
	for _, s := range scannerSeeds {
		checkScanner(t, []byte(s))
	}
}

// What a damaged sheet shows is an error, as with encoding/xml.
func TestXMLScannerRejectsDamage(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{
		`<a>&nbsp;</a>`, `<a>&amp</a>`, "<a>\x01</a>", "<a>\xff</a>", `<a b=1/>`, `<a b="1`, `<a`, `<a><!-- x`,
		`<a><![CDATA[x`, `<1a/>`, `<a>&#0;</a>`, `<a b="<"/>`,
	} {
		_, ok := tokens(newXMLScanner(strings.NewReader(doc)).RawToken)
		_, xmlOK := tokens(xml.NewDecoder(strings.NewReader(doc)).RawToken)
		if ok || xmlOK {
			t.Errorf("%q: scanner ok %v, encoding/xml ok %v; want both to fail", doc, ok, xmlOK)
		}
	}
}

func FuzzXMLScanner(f *testing.F) {
	for _, s := range scannerSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkScanner)
}
