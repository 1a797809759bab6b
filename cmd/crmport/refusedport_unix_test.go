//go:build unix

package main

import "syscall"

// bindWithoutListening binds a TCP socket to a free loopback port and does
// not listen on it: connections to the port are refused.
func bindWithoutListening() (port int, closeFn func() error, err error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		return 0, nil, err
	}
	closeFn = func() error { return syscall.Close(fd) }
	return boundPort(fd, closeFn)
}

func boundPort(fd int, closeFn func() error) (int, func() error, error) {
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		_ = closeFn()
		return 0, nil, err
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		_ = closeFn()
		return 0, nil, err
	}
	return sa.(*syscall.SockaddrInet4).Port, closeFn, nil
}
