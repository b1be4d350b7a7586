package derby

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/fsutil"
)

// Derby is the engine.Engine for Apache Derby database folders.
type Derby struct{}

// New returns the Derby engine.
func New() engine.Engine { return Derby{} }

var _ engine.Engine = Derby{}

// Name is "derby".
func (Derby) Name() string { return "derby" }

// Recognise reports whether dir holds a Derby database: a service.properties
// whose derby.serviceProtocol names Derby's database, or, so that a
// database that lost its service.properties is still judged (and judged
// damaged), a seg0 folder with container files.
func (Derby) Recognise(dir string) bool {
	if b, err := readSmall(filepath.Join(dir, propertiesName), maxPropertiesSize); err == nil {
		props, _ := parseProperties(b)
		if strings.TrimSpace(props[keyProtocol]) == protocolDatabase {
			return true
		}
	}
	entries, err := fsutil.ReadDirShared(filepath.Join(dir, "seg0"))
	if err != nil {
		return false
	}
	for _, e := range entries {
		if _, stub, ok := containerName("seg0/" + e.Name()); ok && !stub && e.Type().IsRegular() {
			return true
		}
	}
	return false
}

// Excluded reports whether a backup leaves rel out: db.lck, dbex.lck and
// the tmp folder with everything in it. Derby recreates them at boot, and
// its own backup leaves them out too.
func (Derby) Excluded(rel string, isDir bool) bool { return excluded(rel, isDir) }

// NewCheck starts the streaming check of the database called name.
func (Derby) NewCheck(name string) engine.Check { return newCheck(name) }

// Inspect tells the state and versions of the database in dir from its
// log, service.properties and the properties conglomerate, and the
// presence of the lock files and the scratch folder, without reading the
// other containers. It never writes, and holds each file open only while
// reading it. Its verdict is never "ok": the containers were not checked.
func (Derby) Inspect(dir string) (*engine.Database, error) {
	c := newCheck(filepath.Base(dir))
	c.partial = true
	var rels []string
	if _, err := os.Lstat(filepath.Join(dir, propertiesName)); err == nil {
		rels = append(rels, propertiesName)
	}
	logs, err := fsutil.ReadDirShared(filepath.Join(dir, "log"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, e := range logs {
		if e.Type().IsRegular() {
			rels = append(rels, "log/"+e.Name())
		}
	}
	propsID := containerPath(defaultPropertiesID)
	if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(propsID))); err == nil {
		rels = append(rels, propsID)
	}
	sort.Strings(rels)
	for _, rel := range rels {
		if err := feedFile(context.Background(), c, dir, rel); err != nil {
			return nil, err
		}
	}
	for _, name := range []string{lockName, exLockName, tmpName} {
		if fi, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			c.Skipped(name, fi.IsDir())
		}
	}
	return c.Finish(), nil
}

// CheckFolder streams every file of the database folder dir through
// NewCheck, in ascending path order, telling the check of the files a
// backup leaves out, and returns the database's verdict and each file's.
// The error is only for failing to read the folder; damage is in the
// results.
func CheckFolder(ctx context.Context, dir string) (*engine.Database, map[string]engine.FileResult, error) {
	type entry struct {
		rel   string
		isDir bool
	}
	var files []entry
	var skipped []entry
	err := fsutil.WalkDirShared(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == dir {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if excluded(rel, d.IsDir()) {
			skipped = append(skipped, entry{rel, d.IsDir()})
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			files = append(files, entry{rel: rel})
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.Slice(files, func(i, j int) bool { return files[i].rel < files[j].rel })
	c := newCheck(filepath.Base(dir))
	for _, s := range skipped {
		c.Skipped(s.rel, s.isDir)
	}
	for _, f := range files {
		if err := feedFile(ctx, c, dir, f.rel); err != nil {
			return nil, nil, err
		}
	}
	db := c.Finish()
	results := make(map[string]engine.FileResult, len(c.all))
	for _, f := range c.all {
		results[f.rel] = f.Result()
	}
	return db, results, nil
}

// feedFile streams one file into the check.
func feedFile(ctx context.Context, c engine.Check, dir, rel string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := fsutil.OpenShared(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	fc := c.File(rel, st.Size())
	bufp := copyPool.Get().(*[]byte)
	defer copyPool.Put(bufp)
	for {
		n, err := f.Read(*bufp)
		if n > 0 {
			fc.Write((*bufp)[:n])
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// copyPool lends the buffer feedFile reads through.
var copyPool = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// readSmall reads at most limit bytes of a file.
func readSmall(path string, limit int64) ([]byte, error) {
	f, err := fsutil.OpenShared(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}
