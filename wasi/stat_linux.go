package wasi

import (
	"io/fs"
	"syscall"
)

// statOf extracts device, inode, link count and times the portable
// fs.FileInfo does not carry.
func statOf(fi fs.FileInfo) hostStat {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		m := fi.ModTime().UnixNano()
		return hostStat{nlink: 1, atim: m, ctim: m}
	}
	return hostStat{
		dev:   uint64(st.Dev),
		ino:   uint64(st.Ino),
		nlink: uint64(st.Nlink),
		atim:  st.Atim.Nano(),
		ctim:  st.Ctim.Nano(),
	}
}
