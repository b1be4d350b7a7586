package h2

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// writeSplit feeds b to a new checker in pieces of the given sizes
// (cycled), or of random sizes when sizes is nil.
func writeSplit(name string, b []byte, sizes []int, rng *rand.Rand) Result {
	c := NewChecker(name, int64(len(b)))
	for i, k := 0, 0; len(b) > 0; k++ {
		n := 0
		if sizes == nil {
			n = 1 + rng.IntN(9000)
		} else {
			n = sizes[k%len(sizes)]
		}
		if n > len(b) {
			n = len(b)
		}
		if w, err := c.Write(b[:n]); w != n || err != nil {
			panic("Write did not take everything")
		}
		b = b[n:]
		i++
	}
	return c.Result()
}

// TestSplitWrites: the verdict must not depend on how the bytes arrive.
func TestSplitWrites(t *testing.T) {
	inputs := append([]corpusFile(nil), loadCorpus(t)...)
	// Damaged inputs too: their findings must not move either.
	for i, v := range makeVariants(t) {
		if i%9 == 0 {
			inputs = append(inputs, corpusFile{v.base, v.data})
		}
	}
	trace := []byte("2024-01-15 10:23:45 x\nerror [90030-214]\n2024-01-16 10:00:00 y\n" + strings.Repeat("z", 5000) + "[90020-214]\n")
	inputs = append(inputs, corpusFile{"t.trace.db", trace})
	rng := rand.New(rand.NewPCG(7, 7))
	plans := map[string][]int{
		"1 byte":    {1},
		"odd":       {7, 13, 4099, 1, 333},
		"4096":      {4096},
		"1 MiB":     {1 << 20},
		"prime-ish": {4093, 4097, 127, 129},
	}
	for _, f := range inputs {
		whole := check(f.name, f.data)
		for pname, sizes := range plans {
			if pname == "1 byte" && len(f.data) > 300000 {
				continue // the same code paths, slower; the others cover size
			}
			if got := writeSplit(f.name, f.data, sizes, nil); !equalResults(got, whole) {
				t.Errorf("%s split %s: %+v\nwhole: %+v", f.name, pname, got, whole)
			}
		}
		if got := writeSplit(f.name, f.data, nil, rng); !equalResults(got, whole) {
			t.Errorf("%s random split: %+v\nwhole: %+v", f.name, got, whole)
		}
	}
}
