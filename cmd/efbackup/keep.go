package main

import (
	"fmt"
	"strings"

	"github.com/efbackup/efbackup/retention"
	"github.com/urfave/cli/v2"
)

// keepOptions are the --keep-... rules, shared by prune, schedule and
// run-scheduled. A nil field is a rule not given: with none given, the
// documented defaults apply.
type keepOptions struct {
	Last, Daily, Weekly, Monthly, Yearly *int
	Within                               *string
}

func keepFlags(u *ui) []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "keep-last", Usage: u.T("flag.keeplast")},
		&cli.IntFlag{Name: "keep-daily", Usage: u.T("flag.keepdaily")},
		&cli.IntFlag{Name: "keep-weekly", Usage: u.T("flag.keepweekly")},
		&cli.IntFlag{Name: "keep-monthly", Usage: u.T("flag.keepmonthly")},
		&cli.IntFlag{Name: "keep-yearly", Usage: u.T("flag.keepyearly")},
		&cli.StringFlag{Name: "keep-within", Usage: u.T("flag.keepwithin")},
	}
}

// keepFromFlags reads the rules given on the command line.
func keepFromFlags(c *cli.Context) keepOptions {
	var k keepOptions
	for _, f := range []struct {
		name string
		dst  **int
	}{{"keep-last", &k.Last}, {"keep-daily", &k.Daily}, {"keep-weekly", &k.Weekly}, {"keep-monthly", &k.Monthly}, {"keep-yearly", &k.Yearly}} {
		if c.IsSet(f.name) {
			v := c.Int(f.name)
			*f.dst = &v
		}
	}
	if c.IsSet("keep-within") {
		v := c.String("keep-within")
		k.Within = &v
	}
	return k
}

// given reports whether any rule was given.
func (k keepOptions) given() bool {
	return k.Last != nil || k.Daily != nil || k.Weekly != nil || k.Monthly != nil || k.Yearly != nil || k.Within != nil
}

func (k keepOptions) counts() []struct {
	name string
	v    *int
} {
	return []struct {
		name string
		v    *int
	}{{"keep-last", k.Last}, {"keep-daily", k.Daily}, {"keep-weekly", k.Weekly}, {"keep-monthly", k.Monthly}, {"keep-yearly", k.Yearly}}
}

// policy turns the rules into a retention policy; with none given, the
// documented defaults apply.
func (k keepOptions) policy(u *ui) (p retention.Policy, isDefault bool, err error) {
	if !k.given() {
		return retention.DefaultPolicy(), true, nil
	}
	dst := []*int{&p.Last, &p.Daily, &p.Weekly, &p.Monthly, &p.Yearly}
	for i, f := range k.counts() {
		if f.v == nil {
			continue
		}
		if *f.v < retention.Unlimited {
			return p, false, u.usageErr("err.keepcount", f.name, *f.v)
		}
		*dst[i] = *f.v
	}
	if k.Within != nil {
		d, err := retention.ParseDuration(*k.Within)
		if err != nil {
			return p, false, u.usageErr("err.keepwithin", *k.Within)
		}
		p.Within = d
	}
	if p.Empty() {
		// Every rule given as 0: that would keep only what the safety
		// rules keep. Say so instead of guessing.
		return p, false, u.usageErr("err.keepnone")
	}
	return p, false, nil
}

// args returns the rules as command-line flags, for the schedule's
// command line.
func (k keepOptions) args() []string {
	var out []string
	for _, f := range k.counts() {
		if f.v != nil {
			out = append(out, "--"+f.name, fmt.Sprint(*f.v))
		}
	}
	if k.Within != nil {
		out = append(out, "--keep-within", *k.Within)
	}
	return out
}

func policyText(u *ui, p retention.Policy, isDefault bool) string {
	var parts []string
	for _, r := range []struct {
		name string
		n    int
	}{{"keep-last", p.Last}, {"keep-daily", p.Daily}, {"keep-weekly", p.Weekly}, {"keep-monthly", p.Monthly}, {"keep-yearly", p.Yearly}} {
		switch {
		case r.n == retention.Unlimited:
			parts = append(parts, r.name+" "+u.T("prune.unlimited"))
		case r.n > 0:
			parts = append(parts, fmt.Sprintf("%s %d", r.name, r.n))
		}
	}
	if !p.Within.Zero() {
		parts = append(parts, "keep-within "+p.Within.String())
	}
	s := strings.Join(parts, ", ")
	if isDefault {
		s += " " + u.T("prune.defaultrules")
	}
	return s
}
