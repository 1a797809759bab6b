//go:build windows

package main

import (
	"net"
	"strconv"
	"syscall"
)

// bindWithoutListening binds a TCP socket to a free loopback port and does
// not listen on it: connections to the port are refused. listen gives the
// port up and listens on it again (Windows has no net.FileListener): a
// short window where another program could take it.
func bindWithoutListening() (port int, listen func() (net.Listener, error), closeFn func() error, err error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, syscall.IPPROTO_TCP)
	if err != nil {
		return 0, nil, nil, err
	}
	closeFn = func() error { return syscall.Closesocket(fd) }
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		_ = closeFn()
		return 0, nil, nil, err
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		_ = closeFn()
		return 0, nil, nil, err
	}
	port = sa.(*syscall.SockaddrInet4).Port
	listen = func() (net.Listener, error) {
		_ = closeFn()
		return net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	}
	return port, listen, closeFn, nil
}
