//go:build !windows

// Command efbench measures efbackup against its peers on the same data, in
// the same run, and writes the figures to docs/performance.md.
//
// The data is a generated e-Faktur install whose db/ETaxInvoice is a real
// Apache Derby database of about 1 GiB with hundreds of files, written by
// the real engine (fixtures/derby, made once per machine and reused).
// Peers: tar | zstd -1 -T0 and -3 -T0 (raw speed, no safety), restic, borg,
// zip -6 (what the app's own backup and most users do), zstd -d | sha256sum
// for verification, tar extraction for restore. Every figure is the median
// of -runs runs with a warm page cache; peak RSS comes from the kernel's
// accounting of each child process.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/efbackup/efbackup/backup"
	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/dbcheck"
)

type measurement struct {
	wall  time.Duration
	rssKB int64
	size  int64
}

type row struct {
	name    string
	m       measurement
	skipped string
}

var (
	bin     = flag.String("bin", "bin/efbackup", "efbackup binary")
	work    = flag.String("work", ".work/bench", "work folder (datasets are generated once and reused)")
	runs    = flag.Int("runs", 3, "runs per measurement (median)")
	outFile = flag.String("out", "docs/performance.md", "markdown file to write")
	sizeMiB = flag.Int("size", 1024, "main dataset size in MiB")
	bigMiB  = flag.Int("big", 3072, "large dataset size in MiB for the memory check (0 to skip)")

	// -library runs one snapshot or verify through package backup, with
	// or without the database checks, in a child process of efbench, so
	// that its time and memory are measured like the programs'.
	library = flag.String("library", "", "internal: snapshot DB OUT, or verify SNAPSHOT, through package backup")
	checks  = flag.Bool("checks", true, "internal: with -library, run the database checks")
)

func main() {
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("efbench: ")
	if *library != "" {
		must(runLibrary(*library, *checks, flag.Args()))
		return
	}
	must(os.MkdirAll(*work, 0o755))
	absBin, err := filepath.Abs(*bin)
	must(err)
	*bin = absBin

	data := dataset(*sizeMiB)
	db := filepath.Join(data, "db")
	dbBytes := dirSize(db)
	log.Printf("dataset %s: %.0f MiB", data, float64(dbBytes)/(1<<20))

	var rows []row
	add := func(r row) {
		rows = append(rows, r)
		if r.skipped != "" {
			log.Printf("%-40s skipped: %s", r.name, r.skipped)
		} else {
			log.Printf("%-40s %6.2f s  %7.1f MiB RSS  %8.1f MiB out", r.name, r.m.wall.Seconds(), float64(r.m.rssKB)/1024, float64(r.m.size)/(1<<20))
		}
	}
	scratch := filepath.Join(*work, "scratch")
	if *onlyS3 {
		tp := s3Rows(db, add)
		if a, c := find(rows, rowS3Snapshot), find(rows, rowS3Peer); a != nil && c != nil {
			log.Printf("S3 snapshot / (local snapshot + rclone copy): %.2f; throughput %.1f MiB/s", ratioWall(a, c), tp/(1<<20))
		}
		return
	}

	peerTar := filepath.Join(*work, "peer.tar.zst")
	add(row{name: "tar | zstd -1 -T0", m: median(func() measurement {
		os.Remove(peerTar)
		m := timeCmd("", nil, "bash", "-c", fmt.Sprintf("tar -cf - -C %q db | zstd -1 -T0 -q -o %q", data, peerTar))
		m.size = fileSize(peerTar)
		return m
	})})
	peerTar3 := filepath.Join(*work, "peer3.tar.zst")
	add(row{name: "tar | zstd -3 -T0", m: median(func() measurement {
		os.Remove(peerTar3)
		m := timeCmd("", nil, "bash", "-c", fmt.Sprintf("tar -cf - -C %q db | zstd -3 -T0 -q -o %q", data, peerTar3))
		m.size = fileSize(peerTar3)
		return m
	})})
	snap := func(name string, env []string, level string) row {
		var last string
		r := row{name: name, m: median(func() measurement {
			os.RemoveAll(scratch)
			args := []string{"snapshot", "--db", db, "--out", scratch, "--create-out", "--quiet", "--no-progress", "--allow-damaged", "--label", "bench"}
			if level != "" {
				args = append(args, "--level", level)
			}
			m := timeCmd("", env, *bin, args...)
			matches, _ := filepath.Glob(filepath.Join(scratch, "*.tar.zst"))
			if len(matches) == 1 {
				m.size = fileSize(matches[0])
				last = matches[0]
			}
			return m
		})}
		if last != "" {
			keep := filepath.Join(*work, strings.ReplaceAll(name, " ", "_")+".tar.zst")
			os.Rename(last, keep)
			os.Rename(last+".manifest.json", keep+".manifest.json")
		}
		return r
	}
	add(snap("efbackup snapshot (checks on)", nil, ""))
	self, err := os.Executable()
	must(err)
	lib := func(name string, checks bool, args ...string) row {
		return row{name: name, m: median(func() measurement {
			os.RemoveAll(scratch)
			return timeCmd("", nil, self, append([]string{"-library", args[0], fmt.Sprintf("-checks=%v", checks)}, args[1:]...)...)
		})}
	}
	add(lib("library snapshot (checks on)", true, "snapshot", db, scratch))
	add(lib("library snapshot (checks off)", false, "snapshot", db, scratch))
	add(snap("efbackup snapshot --level better", nil, "better"))
	s3Throughput = s3Rows(db, add)
	efSnap := filepath.Join(*work, "efbackup_snapshot_(checks_on).tar.zst")
	encSnap := encryptionRows(db, scratch, add)

	if has("restic") {
		add(row{name: "restic backup", m: median(func() measurement {
			repo := filepath.Join(*work, "restic-repo")
			os.RemoveAll(repo)
			env := []string{"RESTIC_PASSWORD=bench", "RESTIC_CACHE_DIR=" + filepath.Join(*work, "restic-cache")}
			timeCmd("", env, "restic", "-q", "-r", repo, "init")
			m := timeCmd(data, env, "restic", "-q", "-r", repo, "backup", "db")
			m.size = dirSize(repo)
			return m
		})})
	} else {
		add(row{name: "restic backup", skipped: "restic not installed"})
	}
	if has("borg") {
		add(row{name: "borg create --compression zstd,3", m: median(func() measurement {
			repo := filepath.Join(*work, "borg-repo")
			os.RemoveAll(repo)
			env := []string{"BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes", "BORG_BASE_DIR=" + filepath.Join(*work, "borg-base")}
			timeCmd("", env, "borg", "init", "-e", "none", repo)
			m := timeCmd(data, env, "borg", "create", "--compression", "zstd,3", repo+"::a", "db")
			m.size = dirSize(repo)
			return m
		})})
	} else {
		add(row{name: "borg create --compression zstd,3", skipped: "borg not installed"})
	}
	zipOut := filepath.Join(*work, "peer.zip")
	add(row{name: "zip -r -6", m: median(func() measurement {
		os.Remove(zipOut)
		m := timeCmd(data, nil, "zip", "-q", "-r", "-6", zipOut, "db")
		m.size = fileSize(zipOut)
		return m
	})})

	// Verification.
	add(row{name: "zstd -d | sha256sum (peer archive)", m: median(func() measurement {
		return timeCmd("", nil, "bash", "-c", fmt.Sprintf("zstd -d -q -c %q | sha256sum >/dev/null", peerTar))
	})})
	add(row{name: "efbackup verify (checks on)", m: median(func() measurement {
		return timeCmd("", nil, *bin, "verify", "--quiet", "--no-progress", efSnap)
	})})
	if encSnap != "" {
		key := filepath.Join(*work, "bench-key.txt")
		add(row{name: rowEncVerify, m: median(func() measurement {
			return timeCmd("", nil, *bin, "verify", "--quiet", "--no-progress", "--identity", key, encSnap)
		})})
		add(row{name: "efbackup verify (encrypted, without the key)", m: median(func() measurement {
			return timeCmd("", nil, *bin, "verify", "--quiet", "--no-progress", encSnap)
		})})
	}
	add(lib("library verify (checks on)", true, "verify", efSnap))
	add(lib("library verify (checks off)", false, "verify", efSnap))
	if has("restic") {
		repo := filepath.Join(*work, "restic-repo")
		env := []string{"RESTIC_PASSWORD=bench", "RESTIC_CACHE_DIR=" + filepath.Join(*work, "restic-cache")}
		add(row{name: "restic check --read-data", m: median(func() measurement {
			return timeCmd("", env, "restic", "-q", "-r", repo, "check", "--read-data")
		})})
	}
	// Restore: into an install of its own, whose db/ each run replaces;
	// the peer extracts the peer archive.
	restoreInto := filepath.Join(*work, "restore-into")
	if _, err := os.Stat(restoreInto); err != nil {
		cmd := exec.Command("go", "run", "./fixtures/cmd/mkinstall", "-version", "3.2", "-out", restoreInto, "-backups", "0", "-quiet")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		must(cmd.Run())
	}
	clearRestore := func() {
		matches, _ := filepath.Glob(filepath.Join(restoreInto, "db*"))
		for _, m := range matches {
			os.RemoveAll(m)
		}
	}
	add(row{name: "efbackup restore", m: median(func() measurement {
		clearRestore()
		return timeCmd("", nil, *bin, "restore", efSnap, "--install", restoreInto, "--quiet", "--no-progress")
	})})
	peerOut := filepath.Join(*work, "peer-extract")
	add(row{name: "zstd -d | tar -x (peer archive)", m: median(func() measurement {
		os.RemoveAll(peerOut)
		os.MkdirAll(peerOut, 0o755)
		return timeCmd("", nil, "bash", "-c", fmt.Sprintf("zstd -d -q -c %q | tar -xf - -C %q", peerTar, peerOut))
	})})
	os.RemoveAll(peerOut)
	clearRestore()
	// The engine's proof: a scratch restore, the engine booting it,
	// checking every table and reading every row.
	if has("java") {
		add(row{name: "efbackup verify --deep", m: median(func() measurement {
			return timeCmd("", nil, *bin, "verify", "--deep", "--quiet", "--no-progress", efSnap)
		})})
	} else {
		add(row{name: "efbackup verify --deep", skipped: "java not installed"})
	}

	// A whole migration: preflight, both safety snapshots, staged copy,
	// verification, swap, post-check.
	target := filepath.Join(*work, "target-4.0")
	if _, err := os.Stat(target); err != nil {
		cmd := exec.Command("go", "run", "./fixtures/cmd/mkinstall", "-version", "4.0", "-out", target, "-backups", "0")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		must(cmd.Run())
	}
	migSnaps := filepath.Join(*work, "migrate-snaps")
	resetTarget := func() {
		os.RemoveAll(migSnaps)
		matches, _ := filepath.Glob(filepath.Join(target, "db*"))
		for _, m := range matches {
			os.RemoveAll(m)
		}
		reports, _ := filepath.Glob(filepath.Join(target, "efbackup-migrate*"))
		for _, m := range reports {
			os.RemoveAll(m)
		}
	}
	add(row{name: "efbackup migrate 3.2 -> 4.0", m: median(func() measurement {
		resetTarget()
		return timeCmd("", nil, *bin, "migrate", "--from", "3.2", "--to", "4.0", "--source", data, "--target", target, "--snapshot-dir", migSnaps, "--quiet", "--no-progress")
	})})
	resetTarget()

	// Memory on a larger database.
	if *bigMiB > 0 {
		big := dataset(*bigMiB)
		bigScratch := filepath.Join(*work, "scratch-big")
		os.RemoveAll(bigScratch)
		m := timeCmd("", nil, *bin, "snapshot", "--db", filepath.Join(big, "db"), "--out", bigScratch, "--create-out", "--quiet", "--no-progress", "--allow-damaged", "--label", "big")
		matches, _ := filepath.Glob(filepath.Join(bigScratch, "*.tar.zst"))
		if len(matches) == 1 {
			m.size = fileSize(matches[0])
		}
		add(row{name: fmt.Sprintf("efbackup snapshot, %d MiB database", *bigMiB), m: m})
		if len(matches) == 1 {
			add(row{name: fmt.Sprintf("efbackup verify, %d MiB database", *bigMiB), m: timeCmd("", nil, *bin, "verify", "--quiet", "--no-progress", matches[0])})
		}
		os.RemoveAll(bigScratch)
	}
	writeReport(rows, dbBytes, fileCount(db))
}

// dataset generates (once) a realistic e-Faktur 3.2 install with a
// database of about sizeMiB, and returns its folder.
func dataset(sizeMiB int) string {
	dir := filepath.Join(*work, fmt.Sprintf("install-%dMiB", sizeMiB))
	cmd := exec.Command("go", "run", "./fixtures/cmd/mkinstall", "-version", "3.2", "-size", fmt.Sprintf("%dMiB", sizeMiB), "-seed", "1", "-out", dir, "-backups", "0")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	must(cmd.Run())
	return dir
}

func median(f func() measurement) measurement {
	var ms []measurement
	for i := 0; i < *runs; i++ {
		ms = append(ms, f())
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].wall < ms[j].wall })
	return ms[len(ms)/2]
}

func timeCmd(dir string, env []string, name string, args ...string) measurement {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil && cmd.ProcessState == nil {
		log.Fatalf("%s: %v", name, err)
	}
	if err != nil {
		log.Printf("%s %v: %v\n%s", name, args, err, stderr.String())
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	return measurement{wall: wall, rssKB: rss}
}

func fileCount(root string) int {
	n := 0
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

func has(name string) bool { _, err := exec.LookPath(name); return err == nil }

func fileSize(p string) int64 {
	fi, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func dirSize(root string) int64 {
	var n int64
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func find(rows []row, name string) *row {
	for i := range rows {
		if rows[i].name == name && rows[i].skipped == "" {
			return &rows[i]
		}
	}
	return nil
}

type target struct {
	what    string
	a, b    string
	max     float64
	measure func(a, b *row) float64
}

func ratioWall(a, b *row) float64 { return a.m.wall.Seconds() / b.m.wall.Seconds() }
func ratioSize(a, b *row) float64 { return float64(a.m.size) / float64(b.m.size) }

// s3Throughput is the database's bytes per second of the snapshot streamed
// into a bucket (0: not measured).
var s3Throughput float64

func writeReport(rows []row, dbBytes int64, dbFiles int) {
	var b strings.Builder
	host, _ := os.Hostname()
	cpu := cpuModel()
	fmt.Fprintf(&b, "# Performance\n\nGenerated by `make bench` (bench/cmd/efbench) on %s.\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "- Machine: %s, %d cores (%s), Go %s, host %s.\n", runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU(), cpu, runtime.Version(), host)
	fmt.Fprintf(&b, "- Data: a generated e-Faktur 3.2 install whose `db/ETaxInvoice` is a real Apache Derby 10.14 database of %.0f MiB (%d files), written by the real engine.\n", float64(dbBytes)/(1<<20), dbFiles)
	fmt.Fprintf(&b, "- Each figure is the median of %d runs, warm page cache, all tools on the same data in the same run.\n\n", *runs)
	b.WriteString("| Command | Wall time (s) | Peak RSS (MiB) | Output (MiB) |\n| --- | ---: | ---: | ---: |\n")
	for _, r := range rows {
		if r.skipped != "" {
			fmt.Fprintf(&b, "| %s | skipped: %s | | |\n", cell(r.name), r.skipped)
			continue
		}
		rss := "-"
		if !strings.Contains(r.name, "|") {
			rss = fmt.Sprintf("%.1f", float64(r.m.rssKB)/1024)
		}
		out := "-"
		if r.m.size > 0 {
			out = fmt.Sprintf("%.1f", float64(r.m.size)/(1<<20))
		}
		fmt.Fprintf(&b, "| `%s` | %.2f | %s | %s |\n", cell(r.name), r.m.wall.Seconds(), rss, out)
	}
	targets := []target{
		{"snapshot wall time vs tar | zstd -1 -T0", "efbackup snapshot (checks on)", "tar | zstd -1 -T0", 1.0, ratioWall},
		{"snapshot size vs tar | zstd -1 -T0", "efbackup snapshot (checks on)", "tar | zstd -1 -T0", 1.02, ratioSize},
		{"snapshot wall time vs restic", "efbackup snapshot (checks on)", "restic backup", 0.35, ratioWall},
		{"snapshot wall time vs borg", "efbackup snapshot (checks on)", "borg create --compression zstd,3", 0.5, ratioWall},
		{"cost of the checks: snapshot on / off", "library snapshot (checks on)", "library snapshot (checks off)", 1.05, ratioWall},
		{"verify wall time vs zstd -d | sha256sum", "efbackup verify (checks on)", "zstd -d | sha256sum (peer archive)", 0.5, ratioWall},
		{"cost of the checks: verify on / off", "library verify (checks on)", "library verify (checks off)", 1.05, ratioWall},
		{"verify wall time vs restic check --read-data", "efbackup verify (checks on)", "restic check --read-data", 0.7, ratioWall},
		{"restore wall time vs zstd -d | tar -x", "efbackup restore", "zstd -d | tar -x (peer archive)", 2.0, ratioWall},
		{"migrate wall time vs tar | zstd -1 -T0", "efbackup migrate 3.2 -> 4.0", "tar | zstd -1 -T0", 2.5, ratioWall},
		{"snapshot to S3 vs local snapshot + rclone copy", rowS3Snapshot, rowS3Peer, 0.8, ratioWall},
		{"cost of encryption: snapshot encrypted / plain", rowEncSnapshot, "efbackup snapshot (checks on)", 1.05, ratioWall},
		{"cost of encryption: verify with the key / plain", rowEncVerify, "efbackup verify (checks on)", 1.05, ratioWall},
	}
	if s3Throughput > 0 {
		fmt.Fprintf(&b, "\n`snapshot --out s3://` streams the database into a local versitygw at %.1f MiB/s of db/.\n", s3Throughput/(1<<20))
	}
	if a, c := find(rows, "efbackup verify --deep"), find(rows, "efbackup restore"); a != nil && c != nil {
		fmt.Fprintf(&b, "\n`verify --deep` takes %.1f × the time of a plain restore of the same snapshot (%.1f s against %.1f s).\n",
			ratioWall(a, c), a.m.wall.Seconds(), c.m.wall.Seconds())
	}
	b.WriteString("\n## Targets\n\n| Target | Ratio | Limit | Result |\n| --- | ---: | ---: | --- |\n")
	for _, t := range targets {
		a, c := find(rows, t.a), find(rows, t.b)
		if a == nil || c == nil {
			fmt.Fprintf(&b, "| %s | - | %.2f | not measured |\n", cell(t.what), t.max)
			continue
		}
		r := t.measure(a, c)
		res := "met"
		if r > t.max {
			res = "**missed**"
		}
		fmt.Fprintf(&b, "| %s | %.2f | ≤ %.2f | %s |\n", cell(t.what), r, t.max, res)
	}
	for _, r := range rows {
		if (strings.HasPrefix(r.name, "efbackup") || strings.HasPrefix(r.name, "library")) && r.skipped == "" {
			res := "met"
			if r.m.rssKB > 64*1024 {
				res = "**missed**"
			}
			fmt.Fprintf(&b, "| peak RSS of `%s` | %.1f MiB | ≤ 64 MiB | %s |\n", cell(r.name), float64(r.m.rssKB)/1024, res)
		}
	}
	b.WriteString(extraNotes)
	// Keep the hand-written reading of the figures across runs.
	if old, err := os.ReadFile(*outFile); err == nil {
		if i := strings.Index(string(old), "\n"+keptHeading); i >= 0 {
			b.WriteString(string(old[i:]))
		}
	}
	must(os.WriteFile(*outFile, []byte(b.String()), 0o644))
	fmt.Print(b.String())
}

// keptHeading starts the part of the report that people write, which a new
// run keeps.
const keptHeading = "## Reading these figures"

const extraNotes = `
## Notes
- "checks on" runs the Derby checks (every page's checksum, the allocation pages, the log) inline on the same bytes
  that are hashed and compressed. The program
  has no switch to turn them off; the "library" rows run the same snapshot and verify through package backup (the
  checks wired in by internal/dbcheck, as the command does, or left out), in a child process of efbench, so that
  the pair shows what the checks cost.
- The peers do less: ` + "`tar | zstd`" + ` hashes nothing and is not atomic; efbackup also hashes every file with SHA-256,
  writes a manifest and SHA256SUMS, fsyncs, renames atomically and checks that no file changed while it was read.
- restic and borg write into fresh repositories each run (no deduplication against earlier runs).
`

// runLibrary is -library: one snapshot (args DB OUT) or verify (args
// SNAPSHOT) through package backup, with or without the database checks.
func runLibrary(what string, checks bool, args []string) error {
	var engines engine.Set
	if checks {
		engines = dbcheck.Engines
	}
	// The soft memory target efbackup's main sets, so that the memory
	// figures compare.
	debug.SetMemoryLimit(48 << 20)
	ctx := context.Background()
	switch {
	case what == "snapshot" && len(args) == 2:
		_, err := backup.Snapshot(ctx, backup.SnapshotOptions{DB: args[0], OutDir: args[1], Label: "bench", Level: backup.DefaultLevel,
			Engines: engines})
		return err
	case what == "verify" && len(args) == 1:
		rep, err := backup.VerifyArchive(ctx, args[0], backup.ReadOptions{Engines: engines})
		if err != nil {
			return err
		}
		return rep.Err()
	}
	return fmt.Errorf("-library %s %v: want snapshot DB OUT or verify SNAPSHOT", what, args)
}

// cell escapes the pipes of shell pipelines inside a markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "model name") {
			if _, v, ok := strings.Cut(line, ":"); ok {
				return strings.TrimSpace(v)
			}
		}
	}
	return "unknown CPU"
}
