package ir

import "strings"

// Feature is one WebAssembly proposal that can be switched on or off, named
// as in wabt's --enable-X / --disable-X flags.
type Feature uint32

// Features is a set of enabled features.
type Features uint32

const (
	FeatureMVP Feature = 0 // always on; used by the opcode table

	FeatureExceptions Feature = 1 << iota
	FeatureMutableGlobals
	FeatureSatFloatToInt
	FeatureSignExtension
	FeatureSIMD
	FeatureThreads
	FeatureFunctionReferences
	FeatureMultiValue
	FeatureTailCall
	FeatureBulkMemory
	FeatureReferenceTypes
	FeatureAnnotations
	FeatureCodeMetadata
	FeatureGC
	FeatureMemory64
	FeatureMultiMemory
	FeatureExtendedConst
	FeatureRelaxedSIMD
	FeatureLegacyExceptions
	FeatureLegacyNames
)

// FeatureInfo describes one feature flag.
type FeatureInfo struct {
	Feature Feature
	Name    string // flag name: "threads" for --enable-threads
	// Default says whether the feature is on unless disabled: the features
	// of the WebAssembly 3.0 standard are; threads and the pre-standard
	// exception instructions are not (wabt 1.0.32 had only the 2.0 ones on).
	Default bool
	Help    string
}

// AllFeatures lists the features in wabt's order (the order of its --help),
// with watt's additions last.
var AllFeatures = []FeatureInfo{
	{FeatureExceptions, "exceptions", true, "Exception handling"},
	{FeatureMutableGlobals, "mutable-globals", true, "Import/export mutable globals"},
	{FeatureSatFloatToInt, "saturating-float-to-int", true, "Saturating float-to-int operators"},
	{FeatureSignExtension, "sign-extension", true, "Sign-extension operators"},
	{FeatureSIMD, "simd", true, "SIMD support"},
	{FeatureThreads, "threads", false, "Threading support"},
	{FeatureFunctionReferences, "function-references", true, "Typed function references"},
	{FeatureMultiValue, "multi-value", true, "Multi-value"},
	{FeatureTailCall, "tail-call", true, "Tail-call support"},
	{FeatureBulkMemory, "bulk-memory", true, "Bulk-memory operations"},
	{FeatureReferenceTypes, "reference-types", true, "Reference types (externref)"},
	{FeatureAnnotations, "annotations", true, "Custom annotation syntax"},
	{FeatureCodeMetadata, "code-metadata", true, "Code metadata (branch hints)"},
	{FeatureGC, "gc", true, "Garbage collection"},
	{FeatureMemory64, "memory64", true, "64-bit memory"},
	{FeatureMultiMemory, "multi-memory", true, "Multi-memory"},
	{FeatureExtendedConst, "extended-const", true, "Extended constant expressions"},
	{FeatureRelaxedSIMD, "relaxed-simd", true, "Relaxed SIMD"},
	{FeatureLegacyExceptions, "legacy-exceptions", false, "Pre-standard exception handling (try, catch, delegate, rethrow)"},
	{FeatureLegacyNames, "legacy-names", true, "Pre-standard instruction names (get_local, i32.wrap/i64, current_memory, i32.atomic.wait, ...)"},
}

// DefaultFeatures is what the tools accept unless told otherwise: the
// WebAssembly 3.0 standard (every feature but threads and legacy
// exceptions) plus the pre-standard instruction names (get_local,
// i32.atomic.wait) old code still uses. A strict 3.0 run (the core suite's
// obsolete-keywords.wast) switches legacy-names off.
func DefaultFeatures() Features {
	var f Features
	for _, fi := range AllFeatures {
		if fi.Default {
			f |= Features(fi.Feature)
		}
	}
	return f
}

// Wasm2Features is wabt 1.0.32's default set, the WebAssembly 2.0
// standard: what tools accepted before 3.0, for tests and comparisons.
// wabt also reads the pre-standard instruction names (get_local, …).
func Wasm2Features() Features {
	return Features(FeatureMutableGlobals | FeatureSatFloatToInt | FeatureSignExtension | FeatureSIMD |
		FeatureMultiValue | FeatureBulkMemory | FeatureReferenceTypes | FeatureLegacyNames)
}

// AllFeaturesOn is every feature enabled (--enable-all).
func AllFeaturesOn() Features {
	var f Features
	for _, fi := range AllFeatures {
		f |= Features(fi.Feature)
	}
	return f
}

// Has reports whether feature x is enabled. FeatureMVP is always enabled.
func (f Features) Has(x Feature) bool { return x == FeatureMVP || f&Features(x) != 0 }

// With returns f with x switched on or off.
func (f Features) With(x Feature, on bool) Features {
	if on {
		return f | Features(x)
	}
	return f &^ Features(x)
}

// String names a feature ("threads"); FeatureMVP is "mvp".
func (x Feature) String() string {
	if x == FeatureMVP {
		return "mvp"
	}
	for _, fi := range AllFeatures {
		if fi.Feature == x {
			return fi.Name
		}
	}
	return "unknown"
}

// Flag returns the command-line flag that enables x ("--enable-threads").
func (x Feature) Flag() string { return "--enable-" + x.String() }

// LookupFeature finds a feature by its flag name.
func LookupFeature(name string) (Feature, bool) {
	for _, fi := range AllFeatures {
		if fi.Name == name {
			return fi.Feature, true
		}
	}
	return 0, false
}

// String lists the enabled features.
func (f Features) String() string {
	var names []string
	for _, fi := range AllFeatures {
		if f.Has(fi.Feature) {
			names = append(names, fi.Name)
		}
	}
	return strings.Join(names, ",")
}
