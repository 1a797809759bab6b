//go:build unix

package main

import (
	"net"
	"os"
	"syscall"
)

// bindWithoutListening binds a TCP socket to a free loopback port and does
// not listen on it: connections to the port are refused. listen makes the
// same socket listen, so the port never changes hands.
func bindWithoutListening() (port int, listen func() (net.Listener, error), closeFn func() error, err error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		return 0, nil, nil, err
	}
	closeFn = func() error { return syscall.Close(fd) }
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		_ = closeFn()
		return 0, nil, nil, err
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		_ = closeFn()
		return 0, nil, nil, err
	}
	listen = func() (net.Listener, error) {
		if err := syscall.Listen(fd, 128); err != nil {
			return nil, err
		}
		f := os.NewFile(uintptr(fd), "refusing-port")
		defer f.Close() // the listener holds a copy
		return net.FileListener(f)
	}
	return sa.(*syscall.SockaddrInet4).Port, listen, closeFn, nil
}
