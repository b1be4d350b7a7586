package derby

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/efbackup/efbackup/engine"
	"github.com/efbackup/efbackup/internal/i18n"
)

// Keys of service.properties (DataDictionaryImpl.boot, the store's boot).
const (
	keyProtocol          = "derby.serviceProtocol"
	protocolDatabase     = "org.apache.derby.database.Database"
	keyEncryption        = "dataEncryption"
	keyLogDevice         = "logDevice"
	keyLogDeviceBackedUp = "derby.storage.logDeviceWhenBackedUp"
	keyPropertiesID      = "derby.storage.propertiesId"
	keyConglomeratesID   = "SysconglomeratesIdentifier"
	propertiesEOFToken   = "#--- last line, don't put anything after this line ---"
)

// bootKeys are the conglomerate ids the data dictionary cannot boot
// without (getBootParameter(..., true)); SyscolumnsIndex2Identifier is
// optional there, as databases made before it existed lack it.
var bootKeys = []string{
	"SysconglomeratesIdentifier", "SysconglomeratesIndex1Identifier",
	"SysconglomeratesIndex2Identifier", "SysconglomeratesIndex3Identifier",
	"SystablesIdentifier", "SystablesIndex1Identifier", "SystablesIndex2Identifier",
	"SyscolumnsIdentifier", "SyscolumnsIndex1Identifier",
	"SysschemasIdentifier", "SysschemasIndex1Identifier", "SysschemasIndex2Identifier",
}

// analysis holds what Finish works out across files.
type analysis struct {
	c     *check
	db    *engine.Database
	extra []engine.Finding // findings about files that are not there

	props     map[string]string
	encrypted bool
	logDevice string
}

// report attributes a finding, worded by the message key with args, to its
// file, or to the database when the file is not there.
func (a *analysis) report(v engine.Verdict, code, file string, page, off int64, key string, args ...any) {
	f := engine.NewFinding(v, code, file, page, off, key, args...)
	if fc := a.c.byRel[file]; fc != nil && file != "" {
		fc.late = append(fc.late, f)
		return
	}
	a.extra = append(a.extra, f)
}

func (c *check) Finish() *engine.Database {
	if c.finished != nil {
		return c.finished
	}
	if c.cur != nil {
		c.cur.finalize()
	}
	// The files decide whether this is a Derby database at all, as
	// Recognise decides on disk: service.properties (or the copy Derby
	// keeps while rewriting it), or containers in seg0/. A snapshot's
	// folders are judged by their bytes alone.
	if !c.partial && !c.propsSeen && !c.oldSeen && len(c.containers) == 0 && len(c.stubs) == 0 {
		return nil
	}
	db := &engine.Database{
		Name: c.name, Engine: "derby", Files: c.files, Bytes: c.bytes,
		Excluded: append([]string(nil), c.skipped...),
	}
	a := &analysis{c: c, db: db}
	a.properties()
	db.Encrypted = a.encrypted
	db.LogDevice = a.logDevice
	if a.encrypted {
		a.hideEncrypted()
	}
	db.State = a.log()
	if !c.partial {
		a.containers()
	}
	a.versions()

	for _, f := range c.all {
		db.Findings = append(db.Findings, f.Result().Findings...)
	}
	db.Findings = append(db.Findings, a.extra...)
	v := engine.OK
	if a.encrypted {
		v = engine.NotChecked
	}
	db.Verdict = worstOf(v, db.Findings)
	if c.partial {
		db.Verdict = worstOf(engine.NotChecked, db.Findings)
	} else {
		db.Checked = []string{engine.CheckedStructure}
	}
	c.finished = db
	return db
}

// properties reads service.properties (or the copy Derby keeps while it
// rewrites it) for the keys that matter.
func (a *analysis) properties() {
	c := a.c
	raw := c.props
	switch {
	case !c.propsSeen && c.oldSeen:
		raw = c.propsOld
		a.report(engine.Warning, CodePropertiesOld, propertiesOldName, -1, -1,
			"derby.detail.props-old-only")
	case !c.propsSeen:
		a.report(engine.Damaged, CodePropertiesMissing, propertiesName, -1, -1,
			"derby.detail.props-missing")
		return
	case c.oldSeen:
		how := "derby.detail.props-old-keep"
		if !strings.Contains(string(c.props), propertiesEOFToken) {
			how = "derby.detail.props-old-replace"
		}
		a.report(engine.Warning, CodePropertiesOld, propertiesOldName, -1, -1,
			"derby.detail.props-old-left", i18n.Say(how))
	}
	props, bad := parseProperties(raw)
	a.props = props
	file := propertiesName
	if !c.propsSeen {
		file = propertiesOldName
	}
	if bad > 0 {
		a.report(engine.Damaged, CodePropertiesKey, file, -1, -1,
			"derby.detail.props-escape", bad)
	}
	if p, ok := props[keyProtocol]; !ok {
		a.report(engine.Damaged, CodePropertiesKey, file, -1, -1, "derby.detail.props-key-missing", keyProtocol)
	} else if p != protocolDatabase {
		a.report(engine.Damaged, CodePropertiesKey, file, -1, -1, "derby.detail.props-protocol", keyProtocol, protocolDatabase)
	}
	for _, k := range append(bootKeys, keyPropertiesID) {
		v, ok := props[k]
		if !ok {
			a.report(engine.Damaged, CodePropertiesKey, file, -1, -1, "derby.detail.props-boot-key", k)
			continue
		}
		if _, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil {
			a.report(engine.Damaged, CodePropertiesKey, file, -1, -1, "derby.detail.props-not-number", k)
		}
	}
	if strings.EqualFold(strings.TrimSpace(props[keyEncryption]), "true") {
		a.encrypted = true
	}
	for _, k := range []string{keyLogDevice, keyLogDeviceBackedUp} {
		if v := strings.TrimSpace(props[k]); v != "" && a.logDevice == "" {
			a.logDevice = v
			a.report(engine.Warning, CodeLogDevice, file, -1, -1,
				"derby.detail.log-device", k)
		}
	}
}

// hideEncrypted drops what an encrypted database's ciphertext made look
// like damage: the pages past the first of each container (Derby leaves
// the first page in the clear) and the log record bodies.
func (a *analysis) hideEncrypted() {
	for _, f := range a.c.all {
		if f.kind != KindContainer {
			continue
		}
		f.notChecked = true
		kept := f.fl.list[:0]
		for _, x := range f.fl.list {
			switch x.Code {
			case CodePageChecksum, CodePageFormat, CodePageZero, CodeAllocChain:
				if x.Page != 0 {
					continue
				}
			}
			kept = append(kept, x)
		}
		f.fl.list = kept
		for _, code := range []string{CodePageChecksum, CodePageFormat, CodePageZero, CodeAllocChain} {
			delete(f.fl.more, code)
		}
	}
	a.report(engine.NotChecked, CodeEncrypted, propertiesName, -1, -1,
		"derby.detail.encrypted")
}

// containers checks that every conglomerate the catalog and
// service.properties name has its container file.
func (a *analysis) containers() {
	c := a.c
	want := map[int64]string{}
	if a.props != nil {
		for _, k := range append(append([]string(nil), bootKeys...), "SyscolumnsIndex2Identifier", keyPropertiesID) {
			if v, err := strconv.ParseInt(strings.TrimSpace(a.props[k]), 10, 64); err == nil && v > 0 {
				want[v] = "service.properties (" + k + ")"
			}
		}
	}
	catalogID := int64(defaultConglomeratesID)
	if v, err := strconv.ParseInt(strings.TrimSpace(a.props[keyConglomeratesID]), 10, 64); err == nil && v > 0 {
		catalogID = v
	}
	switch {
	case catalogID != defaultConglomeratesID:
		a.report(engine.Warning, CodeCatalogSkipped, containerPath(catalogID), -1, -1,
			"derby.detail.catalog-moved", catalogID, defaultConglomeratesID)
	case c.conglomeratesRead && !a.encrypted:
		for n := range c.conglomerates {
			if _, ok := want[n]; !ok {
				want[n] = "SYSCONGLOMERATES"
			}
		}
		if c.rowsSkipped > 0 {
			a.report(engine.Warning, CodeCatalogSkipped, containerPath(catalogID), -1, -1,
				"derby.detail.catalog-rows-skipped", c.rowsSkipped)
		}
	}
	ids := make([]int64, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if _, ok := c.containers[id]; ok || c.stubs[id] {
			continue
		}
		a.report(engine.Damaged, CodeContainerMissing, containerPath(id), -1, -1,
			"derby.detail.container-missing", id, want[id])
	}
}

// versions fills in what the log control file and the properties
// conglomerate record.
func (a *analysis) versions() {
	v := &engine.Versions{}
	cf, _ := a.controlFileUsed()
	if cf.usable && cf.major > 0 {
		v.OnDisk = fmt.Sprintf("%d.%d", cf.major, cf.minor)
		v.BuildNumber = int64(cf.build)
		v.Build = buildName(cf.build)
	}
	if x, ok := a.c.catalog[keyCatalogVersion]; ok {
		v.Catalog = catalogRelease(x)
	}
	if x, ok := a.c.catalog[keyCreatedCatalogVersion]; ok {
		v.CreatedCatalog = catalogRelease(x)
	}
	if *v != (engine.Versions{}) {
		a.db.Versions = v
		a.db.DerbyVersion = v.OnDisk
	}
}
