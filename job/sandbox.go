package job

import (
	"context"
	"fmt"
	"strings"

	"github.com/crmport/crmport/crm/sandbox"
)

// SandboxSettings are the settings of `crmport sandbox`: emulators of the
// three CRMs on one local address.
type SandboxSettings = sandbox.Options

// SandboxServer is a running sandbox.
type SandboxServer struct {
	sb *sandbox.Sandbox
}

// StartSandbox starts the emulators; Close stops them (and saves their
// state when StateFile is set).
func (e *Env) StartSandbox(ctx context.Context, s SandboxSettings) (*SandboxServer, error) {
	if s.Now == nil {
		s.Now = e.Now
	}
	sb, err := sandbox.Start(ctx, s)
	if err != nil {
		return nil, err
	}
	if e.OnSandbox != nil {
		e.OnSandbox(sb)
	}
	return &SandboxServer{sb: sb}, nil
}

// URL is the address the emulators listen on.
func (s *SandboxServer) URL() string { return s.sb.URL() }

// Settings are the CRMPORT_* settings that point crmport at the emulators,
// as name and value.
func (s *SandboxServer) Settings() [][2]string {
	var out [][2]string
	for _, kv := range s.sb.Env() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

// Close stops the emulators.
func (s *SandboxServer) Close() error {
	if err := s.sb.Close(); err != nil {
		return fmt.Errorf("stop the sandbox: %w", err)
	}
	return nil
}
