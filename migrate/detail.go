package migrate

import (
	"github.com/efbackup/efbackup/internal/i18n"
	"github.com/efbackup/efbackup/internal/swap"
)

// The details of steps and journal errors are kept as catalogue messages
// (i18n.Text, keys migrate.detail.*) beside their English wording, so that
// the command can word them in the user's language. JSON, the journal and
// the report keep the English only.

// withText gives s the detail t: Text keeps the message, Detail its
// English wording.
func (s StepRecord) withText(t i18n.Text) StepRecord {
	s.Text, s.Detail = t, t.String()
	return s
}

// In is the step's detail in language l: its Text when it has one, else
// the Detail it was recorded or read back with.
func (s StepRecord) In(l i18n.Lang) string {
	return s.Text.Or(s.Detail).In(l)
}

// In is the event's detail in language l, as StepRecord.In.
func (e Event) In(l i18n.Lang) string {
	return e.Text.Or(e.Detail).In(l)
}

// withText gives e the detail t, as StepRecord.withText.
func (e *JournalError) withText(t i18n.Text) *JournalError {
	e.Text, e.Detail = t, t.String()
	return e
}

// DetailIn is the error's Detail in language l: its Text when it has one,
// else the English Detail. (Error stays English, for logs.)
func (e *JournalError) DetailIn(l i18n.Lang) string {
	return e.Text.Or(e.Detail).In(l)
}

// joinTexts joins ts with "; " in whatever language they are worded.
func joinTexts(ts []i18n.Text) i18n.Text {
	if len(ts) == 0 {
		return i18n.Text{}
	}
	t := ts[len(ts)-1]
	for i := len(ts) - 2; i >= 0; i-- {
		t = i18n.Say("migrate.detail.join", ts[i], t)
	}
	return t
}

// layoutText is swap.Layout.String as a catalogue message: what each
// name the journal records holds.
func layoutText(l *swap.Layout) i18n.Text {
	show := func(name string, v swap.Holds) i18n.Text {
		switch v {
		case swap.Nothing:
			return i18n.Say("migrate.detail.holds.nothing", name)
		case swap.Original:
			return i18n.Say("migrate.detail.holds.original", name)
		case swap.Copy:
			return i18n.Say("migrate.detail.holds.copy", name)
		}
		return i18n.Say("migrate.detail.holds.other", name)
	}
	aside := show("aside", l.Aside)
	if l.AsideTaken {
		aside = i18n.Say("migrate.detail.holds.other", "aside")
	}
	return i18n.Say("migrate.detail.layout", show("db", l.DB), show("staging", l.Staging), aside, show("undone", l.Undone))
}
