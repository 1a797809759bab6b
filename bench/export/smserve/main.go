// Command smserve serves the crmport sandbox with N realistic SalesMan
// clients (bench/export.Records: about 20 filled fields each) in their own
// process, so that bench/export/run.sh can measure a crmport export alone.
//
//	go run ./bench/export/smserve -n 1000000 -addr 127.0.0.1:8765
//
// It prints the CRMPORT_* variables (one "export KEY=value" line each),
// then "ready", and serves until interrupted (Ctrl-C) or its standard
// input is closed.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	export "github.com/crmport/crmport/bench/export"
	"github.com/crmport/crmport/crm/sandbox"
)

func main() {
	n := flag.Int("n", 100000, "SalesMan clients to seed")
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback)")
	flag.Parse()
	if err := run(*n, *addr); err != nil {
		fmt.Fprintln(os.Stderr, "smserve:", err)
		os.Exit(1)
	}
}

func run(n int, addr string) error {
	if n < 0 {
		return fmt.Errorf("-n %d: give how many clients to seed", n)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sb, err := sandbox.Start(ctx, sandbox.Options{Addr: addr})
	if err != nil {
		return err
	}
	start := time.Now()
	export.Seed(sb.Fakes()[sandbox.SalesMan], n)
	fmt.Fprintf(os.Stderr, "seeded %d SalesMan clients in %s\n", n, time.Since(start).Round(time.Millisecond))
	for _, kv := range sb.Env() {
		fmt.Println("export " + kv)
	}
	fmt.Println("ready")
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()
	<-ctx.Done()
	return sb.Close()
}
