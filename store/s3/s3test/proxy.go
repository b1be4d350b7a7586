package s3test

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// Proxy is a TCP proxy on 127.0.0.1 between a client and the server that
// can cut the network: after a given number of bytes from the client it
// closes every connection, and refuses new ones (accepts and closes them)
// until Restore.
type Proxy struct {
	Addr   string
	target string
	ln     net.Listener

	mu    sync.Mutex
	conns map[net.Conn]bool
	down  bool
	limit int64 // bytes from clients before the cut; <0: no cut armed
	sent  atomic.Int64
	wg    sync.WaitGroup
}

// NewProxy listens on a free port of 127.0.0.1 and forwards to target.
func NewProxy(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{Addr: ln.Addr().String(), target: target, ln: ln, conns: map[net.Conn]bool{}, limit: -1}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// CutAfter arms the cut: n more bytes from clients pass, then the network
// is down.
func (p *Proxy) CutAfter(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent.Store(0)
	p.limit = n
}

// Cut takes the network down now, in the middle of whatever is flowing.
func (p *Proxy) Cut() { p.cut() }

// Down reports whether the cut has happened.
func (p *Proxy) Down() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.down
}

// Restore brings the network back.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
	p.limit = -1
}

// Close stops the proxy and closes every connection.
func (p *Proxy) Close() {
	p.ln.Close()
	p.cut()
	p.wg.Wait()
}

func (p *Proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

func (p *Proxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return false
	}
	for _, c := range cs {
		p.conns[c] = true
	}
	return true
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			c.Close()
			continue
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		if !p.track(c, s) {
			c.Close()
			s.Close()
			continue
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			var both sync.WaitGroup
			both.Add(2)
			go func() { defer both.Done(); p.pipe(s, c, true) }()
			go func() { defer both.Done(); p.pipe(c, s, false) }()
			both.Wait()
			c.Close()
			s.Close()
			p.mu.Lock()
			delete(p.conns, c)
			delete(p.conns, s)
			p.mu.Unlock()
		}()
	}
}

// pipe copies src to dst; upstream copies count against the limit. An
// error closes both; an end of stream half-closes dst.
func (p *Proxy) pipe(dst, src net.Conn, upstream bool) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			b := buf[:n]
			if upstream {
				p.mu.Lock()
				limit := p.limit
				p.mu.Unlock()
				if limit >= 0 {
					before := p.sent.Add(int64(n)) - int64(n)
					if before+int64(n) > limit {
						if keep := limit - before; keep > 0 {
							_, _ = dst.Write(b[:keep])
						}
						p.cut()
						return
					}
				}
			}
			if _, werr := dst.Write(b); werr != nil {
				src.Close()
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				dst.Close()
				return
			}
			if tc, ok := dst.(*net.TCPConn); ok {
				_ = tc.CloseWrite()
			}
			return
		}
	}
}
