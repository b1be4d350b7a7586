package main

import (
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
func init() { extraCommands = append(extraCommands, verifyAppBackupsCommand) }

func verifyAppBackupsCommand(u *ui) *cli.Command {
	var install string
	return &cli.Command{
		Name:      "verify-app-backups",
		Usage:     u.T("verifyapp.usage"),
		UsageText: "efbackup verify --app-backups --install DIR",
		Hidden:    true,
		Flags:     []cli.Flag{&cli.StringFlag{Name: "install", Usage: u.T("flag.install"), Destination: &install}},
		Action:    func(c *cli.Context) error { return runVerifyAppBackups(c, u, install) },
	}
}

type appBackupsOutput struct {
	Folder     string          `json:"folder"`
	OK         bool            `json:"ok"`
	Results    []appzip.Result `json:"results"`
	NewestGood string          `json:"newest_good"`
}

// runVerifyAppBackups opens every zip in the install's backup/ folder and
// reads every entry, checking its CRC-32. It exits 3 when one is not
// complete.
func runVerifyAppBackups(c *cli.Context, u *ui, install string) error {
	if c.NArg() > 0 {
		return u.usageErr("err.extraargs", c.Args().First())
	}
	if install == "" {
		return u.usageErr("err.needinstallonly")
	}
	in, err := migrate.Detect(install)
	if err != nil {
		return err
	}
	dir := filepath.Join(in.Root, "backup")
	list, err := appzip.List(dir)
	if err != nil {
		return err
	}
	out := appBackupsOutput{Folder: dir, OK: true, Results: []appzip.Result{}}
	for _, b := range list {
		u.info("%s", u.T("progress.verify", filepath.Base(b.Path)))
		r := appzip.CheckContext(c.Context, b.Path)
		if err := c.Context.Err(); err != nil {
			return err
		}
		if r.OK() && out.NewestGood == "" {
			out.NewestGood = r.Path
		}
		out.OK = out.OK && r.OK()
		out.Results = append(out.Results, r)
	}
	if err := u.result(out, func(w io.Writer) {
		if len(list) == 0 {
			fmt.Fprintln(w, u.T("appzip.none", dir))
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
	}); err != nil {
		return err
	}
	if !out.OK {
		if u.json {
			u.deferredExit = ExitIntegrity
			return nil
		}
		bad := 0
		for _, r := range out.Results {
			if !r.OK() {
				bad++
			}
		}
		return &integrityFinding{msg: u.T("appzip.bad", bad, len(out.Results)), hint: u.T("hint.appzipbad")}
	}
	return nil
}
