package migrate

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every enumerated field of the journal is checked where it is parsed: a
// value this release does not know (a newer release's, or damage) is a
// JournalUnreadable error naming the journal and the field, and neither
// migrate nor undo touches anything.
func TestJournalRefusesUnknownValues(t *testing.T) {
	for field, edit := range map[string]func(j map[string]any){
		"state":                 func(j map[string]any) { j["state"] = "paused" },
		"swap_method":           func(j map[string]any) { j["swap_method"] = "copy" },
		"steps[0].status":       func(j map[string]any) { step(j, 0)["status"] = "retrying" },
		"steps[0].name":         func(j map[string]any) { step(j, 0)["name"] = "defragment" },
		"snapshots[0].kind":     func(j map[string]any) { snapshot(j, 0)["kind"] = "other" },
		"snapshots[0].state":    func(j map[string]any) { snapshot(j, 0)["state"] = "uploaded" },
		"source_checks.verdict": func(j map[string]any) { j["source_checks"] = map[string]any{"verdict": "mixed"} },
	} {
		t.Run(field, func(t *testing.T) {
			e := newEnv(t, true)
			if _, err := Run(context.Background(), e.opts()); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(e.tgt, JournalName)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			var j map[string]any
			if err := json.Unmarshal(b, &j); err != nil {
				t.Fatal(err)
			}
			edit(j)
			b, _ = json.Marshal(j)
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			before := tree(t, e.tgt)
			for name, call := range map[string]func() error{
				"read":    func() error { _, err := ReadJournal(e.tgt); return err },
				"migrate": func() error { _, err := Run(context.Background(), e.opts()); return err },
				"undo":    func() error { _, err := Undo(context.Background(), UndoOptions{Target: e.tgt}); return err },
			} {
				var je *JournalError
				if err := call(); !errors.As(err, &je) || je.Kind != JournalUnreadable || je.Field != field {
					t.Fatalf("%s: want an unreadable journal naming %s, got %#v", name, field, err)
				}
				if !strings.Contains(je.Error(), e.tgt) || !strings.Contains(je.Error(), field) {
					t.Errorf("%s: the message names neither the journal nor the field: %s", name, je)
				}
			}
			if !sameTree(before, tree(t, e.tgt)) {
				t.Fatal("a refused journal changed the target")
			}
		})
	}
}

func step(j map[string]any, i int) map[string]any {
	return j["steps"].([]any)[i].(map[string]any)
}

func snapshot(j map[string]any, i int) map[string]any {
	return j["snapshots"].([]any)[i].(map[string]any)
}
