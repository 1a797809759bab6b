// Command csvread reads a ";" CSV with encoding/csv and prints the row
// count: the floor the dry-run benchmark is compared with. By default it
// reads as fast as encoding/csv can (a 64 KiB buffer, ReuseRecord); with
// -plain as most programs do (csv.NewReader on the file, a new record
// per row).
package main

import (
	"bufio"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	plain := flag.Bool("plain", false, "read as most programs do: no buffer of our own, a new record per row")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: csvread [-plain] FILE")
		os.Exit(1)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "csvread:", err)
		os.Exit(1)
	}
	defer f.Close()
	var r *csv.Reader
	if *plain {
		r = csv.NewReader(f)
	} else {
		r = csv.NewReader(bufio.NewReaderSize(f, 1<<16))
		r.ReuseRecord = true
	}
	r.Comma = ';'
	n := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "csvread:", err)
			os.Exit(1)
		}
		n++
	}
	fmt.Println(n-1, "rows")
}
