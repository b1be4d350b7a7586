package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/efbackup/efbackup/migrate"
	"github.com/efbackup/efbackup/verify/appzip"
	"github.com/urfave/cli/v2"
)

// verify --app-backups lives here: runVerifyAppBackups is what verify
// calls when the flag is set. Until verify has the flag, the hidden
// command verify-app-backups runs it.
// appBackupsOptions: the install whose backup/ folder is read.
type appBackupsOptions struct {
	Install string
}

func verifyAppBackupsCommand(u *ui) *cli.Command {
	var opts appBackupsOptions
	return &cli.Command{
		Name:      "verify-app-backups",
		Usage:     u.T("verifyapp.usage"),
		UsageText: "efbackup verify --app-backups --install DIR",
		Hidden:    true,
		Flags:     []cli.Flag{&cli.StringFlag{Name: "install", Usage: u.T("flag.install"), Destination: &opts.Install}},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return u.usageErr("err.extraargs", c.Args().First())
			}
			out, err := runVerifyAppBackups(c.Context, u, opts)
			return printed(err, out, func() error { return printAppBackups(u, out) })
		},
	}
}

type appBackupsOutput struct {
	Folder     string          `json:"folder"`
	OK         bool            `json:"ok"`
	Results    []appzip.Result `json:"results"`
	NewestGood string          `json:"newest_good"`
}

// runVerifyAppBackups opens every zip in the install's backup/ folder and
// reads every entry, checking its CRC-32. When one is not complete, the
// result comes back with an *integrityFinding (exit 3).
func runVerifyAppBackups(ctx context.Context, u *ui, opts appBackupsOptions) (*appBackupsOutput, error) {
	if opts.Install == "" {
		return nil, u.usageErr("err.needinstallonly")
	}
	in, err := migrate.Detect(opts.Install)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(in.Root, "backup")
	list, err := appzip.List(dir)
	if err != nil {
		return nil, err
	}
	out := &appBackupsOutput{Folder: dir, OK: true, Results: []appzip.Result{}}
	for _, b := range list {
		u.info("%s", u.T("progress.verify", filepath.Base(b.Path)))
		r := appzip.CheckContext(ctx, b.Path)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if r.OK() && out.NewestGood == "" {
			out.NewestGood = r.Path
		}
		out.OK = out.OK && r.OK()
		out.Results = append(out.Results, r)
	}
	if !out.OK {
		bad := 0
		for _, r := range out.Results {
			if !r.OK() {
				bad++
			}
		}
		return out, &integrityFinding{msg: u.T("appzip.bad", bad, len(out.Results)), hint: u.T("hint.appzipbad")}
	}
	return out, nil
}

func printAppBackups(u *ui, out *appBackupsOutput) error {
	return u.result(out, func(w io.Writer) {
		if len(out.Results) == 0 {
			fmt.Fprintln(w, u.T("appzip.none", out.Folder))
			return
		}
		for _, r := range out.Results {
			fmt.Fprintln(w, appzipLine(u, r))
		}
		if out.NewestGood != "" {
			fmt.Fprintln(w, u.T("appzip.newestgood", out.NewestGood))
		} else {
			fmt.Fprintln(w, u.T("appzip.nonegood"))
		}
	})
}
