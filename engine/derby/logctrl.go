package derby

import (
	"fmt"
	"hash/crc32"

	"github.com/efbackup/efbackup/internal/i18n"
)

// The log control files log/log.ctrl and log/logmirror.ctrl (LogToFile's
// writeControlFile and readControlFile).
const (
	fmtLogFile         = 128 // FILE_STREAM_LOG_FILE: control files and log files
	obsoleteLogVersion = 9
	controlFileSize    = 48
	maxControlFileSize = 4096 // what is kept of a control file; Derby's is 48 bytes

	flagBeta           = 0x1
	flagDurabilityTest = 0x2
)

// controlFile is what a control file says.
type controlFile struct {
	length     int
	checkpoint int64 // LogInstant of the last checkpoint; 0 for none
	major      int32 // on-disk (hard-upgrade) level
	minor      int32
	build      int32 // build number of the engine that last wrote it
	flags      byte
	// usable: Derby would take the checkpoint from this file. A file that
	// is not usable makes Derby turn to the mirror (for log.ctrl).
	usable bool
	// refuse: the checksum matched but the format id did not, so Derby
	// refuses to boot.
	refuse  bool
	problem i18n.Text // why the file is not usable
	noCRC   bool      // a zero checksum, which Derby accepts unchecked
}

// parseControlFile reads a control file as readControlFile does: shorter
// than 16 bytes it is unusable; at exactly 16 it predates checksums; longer,
// its last 8 bytes are the CRC of the rest (0 meaning "not checked").
func parseControlFile(b []byte) controlFile {
	c := controlFile{length: len(b)}
	var data []byte
	switch {
	case len(b) < 16:
		c.problem = i18n.Say("derby.detail.ctrl-short", len(b))
		return c
	case len(b) < 24:
		// No room for a checksum after the 16 bytes every control file
		// holds; Derby reads what is there and checks no sum.
		data = b
		c.noCRC = len(b) > 16
	default:
		data = b[:len(b)-8]
		stored := be.Uint64(b[len(b)-8:])
		if stored == 0 {
			c.noCRC = true
		} else if sum := crc32.ChecksumIEEE(data); stored != uint64(sum) {
			c.problem = i18n.Say("derby.detail.ctrl-checksum", stored, sum)
			return c
		}
	}
	if fid := be.Uint32(data); fid != fmtLogFile {
		c.refuse = true
		c.problem = i18n.Say("derby.detail.ctrl-format", fid, fmtLogFile)
		return c
	}
	c.checkpoint = int64(be.Uint64(data[8:]))
	if len(data) >= 29 {
		c.major = int32(be.Uint32(data[16:]))
		c.minor = int32(be.Uint32(data[20:]))
		c.build = int32(be.Uint32(data[24:]))
		c.flags = data[28]
	}
	c.usable = true
	return c
}

// instant formats a LogInstant as Derby prints it: (file, offset).
func instant(v int64) string {
	return fmt.Sprintf("(%d,%d)", v>>32, uint32(v))
}

func makeInstant(file, off int64) int64 { return file<<32 | off }

// releases maps the build numbers official Derby releases write into
// log.ctrl to their names (upgradeTests/OldVersions.java).
var releases = map[int32]string{
	1458268: "10.10.1.1",
	1582446: "10.10.2.0",
	1616546: "10.11.1.1",
	1704137: "10.12.1.1",
	1765088: "10.13.1.1",
	1828579: "10.14.2.0",
	1853019: "10.15.1.3",
}

// buildName names a build number: a release name when it is an official
// one, otherwise "unknown build N" (-1 is what distribution builds write).
func buildName(b int32) string {
	if r, ok := releases[b]; ok {
		return r
	}
	return fmt.Sprintf("unknown build %d", b)
}
