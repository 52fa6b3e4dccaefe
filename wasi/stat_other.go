//go:build !linux

package wasi

import "io/fs"

// statOf fills in what fs.FileInfo lacks with the modification time.
func statOf(fi fs.FileInfo) hostStat {
	m := fi.ModTime().UnixNano()
	return hostStat{nlink: 1, atim: m, ctim: m}
}
