package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// globalFlags are accepted before or after the command name: scripts write
// "efbackup --json verify X" as often as "efbackup verify X --json".
func globalFlags(u *ui) []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "json", Usage: u.T("flag.json")},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: u.T("flag.quiet")},
		&cli.BoolFlag{Name: "no-progress", Usage: u.T("flag.noprogress")},
		&cli.StringFlag{Name: "lang", Usage: u.T("flag.lang"), Value: string(u.lang)},
	}
}

// The library's own templates, before efbackup adds its exit-code table;
// run may be called more than once in a process (tests, run-scheduled).
var (
	baseAppHelp        = cli.AppHelpTemplate
	baseCommandHelp    = cli.CommandHelpTemplate
	baseSubcommandHelp = cli.SubcommandHelpTemplate
	baseFlagStringer   = cli.FlagStringer
)

func newApp(u *ui) *cli.App {
	exitTable := u.T("help.exitcodes")
	// urfave/cli keeps its templates in package variables; efbackup builds
	// one app per run, so setting them here is safe.
	cli.AppHelpTemplate = helpTemplate(u, baseAppHelp) + "\n" + exitTable
	cli.CommandHelpTemplate = helpTemplate(u, baseCommandHelp) + "\n" + exitTable
	cli.SubcommandHelpTemplate = helpTemplate(u, baseSubcommandHelp) + "\n" + exitTable
	// The library's own words, in the user's language too.
	def := u.T("ui.default")
	cli.FlagStringer = func(f cli.Flag) string {
		return strings.Replace(baseFlagStringer(f), "(default: ", def, 1)
	}
	cli.HelpFlag = &cli.BoolFlag{Name: "help", Aliases: []string{"h"}, Usage: u.T("flag.help")}
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Aliases: []string{"v"}, Usage: u.T("flag.version")}
	cli.VersionPrinter = func(c *cli.Context) {
		fmt.Fprintln(c.App.Writer, versionLine())
	}
	commands := commandList(u)
	for _, c := range commands {
		c.Flags = append(c.Flags, globalFlags(u)...)
		before := c.Before
		c.Before = func(ctx *cli.Context) error {
			u.setup(ctx)
			if before != nil {
				return before(ctx)
			}
			return nil
		}
		c.OnUsageError = onUsageError(u)
	}
	app := &cli.App{
		Name:                 "efbackup",
		Usage:                u.T("app.usage"),
		Description:          u.T("app.description"),
		Version:              version,
		Flags:                globalFlags(u),
		Commands:             commands,
		Writer:               u.stdout,
		ErrWriter:            u.stderr,
		Reader:               u.stdin,
		HideHelpCommand:      true,
		EnableBashCompletion: false,
		OnUsageError:         onUsageError(u),
		ExitErrHandler:       func(*cli.Context, error) {}, // main alone exits
		Before:               func(c *cli.Context) error { u.setup(c); return nil },
	}
	return app
}

// commandList is every command, in the order --help lists them. Each
// lives in its own cmd_*.go file: its options, its flags, its run function
// (which knows nothing of the command-line library) and its printer.
func commandList(u *ui) []*cli.Command {
	return []*cli.Command{
		setupCommand(u),
		snapshotCommand(u),
		verifyCommand(u),
		restoreCommand(u),
		listCommand(u),
		copyCommand(u),
		doctorCommand(u),
		migrateCommand(u),
		pruneCommand(u),
		scheduleCommand(u),
		keyCommand(u),
		runScheduledCommand(u),
		verifyAppBackupsCommand(u),
	}
}

func onUsageError(u *ui) cli.OnUsageErrorFunc {
	return func(c *cli.Context, err error, isSubcommand bool) error {
		return &usageError{msg: u.T("err.usage", strings.TrimPrefix(err.Error(), "flag provided but not defined: ")), hint: u.T("hint.help")}
	}
}

// helpTemplate translates the few fixed words of urfave/cli's templates.
func helpTemplate(u *ui, t string) string {
	if u.lang != "id" {
		return t
	}
	r := strings.NewReplacer(
		"NAME:", "NAMA:",
		"USAGE:", "PENGGUNAAN:",
		"VERSION:", "VERSI:",
		"DESCRIPTION:", "DESKRIPSI:",
		"COMMANDS:", "PERINTAH:",
		"GLOBAL OPTIONS:", "OPSI GLOBAL:",
		"OPTIONS:", "OPSI:",
		"[global options]", "[opsi global]",
		"[command options]", "[opsi perintah]",
		"command [command options]", "perintah [opsi perintah]",
		"[arguments...]", "[argumen...]",
	)
	return r.Replace(t)
}

// usageErr builds a usage error with the standard hint.
func (u *ui) usageErr(key string, args ...any) error {
	return &usageError{msg: u.T(key, args...), hint: u.T("hint.help")}
}

// flagsFirst moves a command's flags in front of its positional arguments.
// urfave/cli stops reading flags at the first argument, but the documented
// form is "efbackup restore SNAPSHOT --install DIR", and scripts put flags
// wherever they like. Everything after "--" stays positional.
func flagsFirst(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	// Find the command name, skipping global flags.
	i := 1
	for i < len(args) && strings.HasPrefix(args[i], "-") && args[i] != "--" {
		if takesValue(app.Flags, args[i]) {
			i++
		}
		i++
	}
	if i >= len(args) {
		return args
	}
	cmd := app.Command(args[i])
	if cmd == nil {
		return args
	}
	out := append([]string{}, args[:i+1]...)
	var pos []string
	rest := args[i+1:]
	for j := 0; j < len(rest); j++ {
		a := rest[j]
		switch {
		case a == "--":
			pos = append(pos, rest[j:]...)
			j = len(rest)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			out = append(out, a)
			if takesValue(cmd.Flags, a) && j+1 < len(rest) {
				out = append(out, rest[j+1])
				j++
			}
		default:
			pos = append(pos, a)
		}
	}
	if len(pos) > 0 && pos[0] != "--" {
		out = append(out, "--")
	}
	return append(out, pos...)
}

// takesValue reports whether the flag token names a flag that needs a
// separate value (not a boolean, and not written as --flag=value).
func takesValue(flags []cli.Flag, tok string) bool {
	if strings.Contains(tok, "=") {
		return false
	}
	name := strings.TrimLeft(tok, "-")
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				_, isBool := f.(*cli.BoolFlag)
				return !isBool
			}
		}
	}
	return false
}
