#!/usr/bin/env python3
"""Lets TorchSharp's glue library load on a host whose libstdc++ is older than the one it was linked against.

TorchSharp 0.107.0's runtimes/linux-x64/native/libLibTorchSharp.so was built with GCC 13. GCC 13's <iostream> makes
every object that includes it name `std::ios_base_library_init()` (_ZSt21ios_base_library_initv), a marker symbol of
version GLIBCXX_3.4.32, so that the object cannot be loaded next to an older libstdc++. Nothing calls it: the library
has no relocation against it. Debian 12 ships GCC 12's libstdc++ (up to GLIBCXX_3.4.30), so the dynamic loader refuses
the library although every function it calls exists. (Older libstdc++ initialises the standard streams through the
static ios_base::Init objects of libtorch_cpu.so, which is loaded first, so dropping the marker loses nothing.)

For each file given, when the host's libstdc++ lacks a version the file requires, this rewrites a copy of the file:
  1. the requirement (the Vernaux entry of libstdc++.so.6 in .gnu.version_r): its name offset and ELF hash now name
     GLIBCXX_3.4, which every libstdc++ defines;
  2. the marker symbol's entry in .gnu.version: 1 (global, unversioned), as `patchelf --clear-symbol-version` does;
then replaces the file with the copy (a new inode: a hard link into the NuGet cache is never written through).
It refuses, changing nothing, when a missing version is needed by any other symbol or by a relocation.

This is a build-time accommodation for Cohort's own tests and benchmarks on Debian 12 (.ci/torchsharp/*.targets runs
it on the build output); Cohort never rewrites a user's files. Usage:
  libstdcxx_compat.py [--check] FILE...
--check reports without writing; exit status 0: loadable (or patched), 1: not loadable, 2: refused or bad input.
"""
import ctypes
import os
import struct
import sys
import tempfile

MARKERS = {b"_ZSt21ios_base_library_initv"}
FALLBACK_VERSION = b"GLIBCXX_3.4"
SHT_RELA, SHT_REL, SHT_DYNSYM = 4, 9, 11
SHT_VERDEF, SHT_VERNEED, SHT_VERSYM = 0x6FFFFFFD, 0x6FFFFFFE, 0x6FFFFFFF
VER_NDX_GLOBAL = 1


class Refused(Exception):
    pass


def elf_hash(name):
    h = 0
    for c in name:
        h = ((h << 4) + c) & 0xFFFFFFFF
        g = h & 0xF0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xFFFFFFFF
    return h


class Elf:
    def __init__(self, data, path):
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise Refused(f"{path}: not a little-endian 64-bit ELF file")
        self.data = data
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
        self.sections = []
        for i in range(shnum):
            name, kind, _, _, offset, size, link, info, _, entsize = struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
            self.sections.append(dict(name=name, type=kind, offset=offset, size=size, link=link, info=info, entsize=entsize))

    def section(self, kind):
        found = [s for s in self.sections if s["type"] == kind]
        return found[0] if found else None

    def string(self, strtab, offset):
        start = self.sections[strtab]["offset"] + offset
        return self.data[start:self.data.index(b"\0", start)]

    def defined_versions(self):
        verdef = self.section(SHT_VERDEF)
        names, at = set(), verdef["offset"] if verdef else None
        while at is not None:
            _, _, _, _, _, aux, nxt = struct.unpack_from("<HHHHIII", self.data, at)
            name, = struct.unpack_from("<I", self.data, at + aux)
            names.add(self.string(verdef["link"], name))
            at = at + nxt if nxt else None
        return names

    def needed_versions(self, library):
        """(offset of the Vernaux entry, version index, name) for each version of `library` this file requires."""
        verneed = self.section(SHT_VERNEED)
        found, at = [], verneed["offset"] if verneed else None
        while at is not None:
            _, count, file, aux, nxt = struct.unpack_from("<HHIII", self.data, at)
            if self.string(verneed["link"], file) == library:
                entry = at + aux
                for _ in range(count):
                    _, _, other, name, nxt_aux = struct.unpack_from("<IHHII", self.data, entry)
                    found.append((entry, other & 0x7FFF, self.string(verneed["link"], name)))
                    entry += nxt_aux
            at = at + nxt if nxt else None
        return found

    def dynamic_symbols(self):
        dynsym = self.section(SHT_DYNSYM)
        for i in range(dynsym["size"] // 24):
            name, = struct.unpack_from("<I", self.data, dynsym["offset"] + i * 24)
            yield i, self.string(dynsym["link"], name)

    def relocated_symbols(self):
        dynsym = self.sections.index(self.section(SHT_DYNSYM))
        used = set()
        for s in self.sections:
            if s["type"] in (SHT_RELA, SHT_REL) and s["link"] == dynsym:
                size = 24 if s["type"] == SHT_RELA else 16
                for at in range(s["offset"], s["offset"] + s["size"], size):
                    info, = struct.unpack_from("<Q", self.data, at + 8)
                    used.add(info >> 32)
        return used


def host_libstdcxx():
    ctypes.CDLL("libstdc++.so.6")
    with open("/proc/self/maps", encoding="utf-8") as maps:
        for line in maps:
            path = line.split()[-1]
            if os.path.basename(path).startswith("libstdc++.so"):
                return path
    raise Refused("libstdc++.so.6 was loaded but not found in /proc/self/maps")


def plan(elf, path, host_versions):
    """The edits that make `path` loadable: a list of (offset, bytes); empty when it already is."""
    needed = elf.needed_versions(b"libstdc++.so.6")
    missing = [(entry, index, name) for entry, index, name in needed if name not in host_versions]
    if not missing:
        return []
    fallback = [e for e, _, name in needed if name == FALLBACK_VERSION]
    if not fallback:
        raise Refused(f"{path}: does not already require {FALLBACK_VERSION.decode()}; not the file this was written for")
    fallback_name, = struct.unpack_from("<I", elf.data, fallback[0] + 8)
    versym = elf.section(SHT_VERSYM)
    relocated = elf.relocated_symbols()
    edits = []
    for entry, index, name in missing:
        users = [(i, sym) for i, sym in elf.dynamic_symbols()
                 if struct.unpack_from("<H", elf.data, versym["offset"] + 2 * i)[0] & 0x7FFF == index]
        others = [sym.decode() for _, sym in users if sym not in MARKERS]
        if others:
            raise Refused(f"{path}: needs {name.decode()} for {', '.join(others[:5])}; only a newer libstdc++ helps")
        called = [sym.decode() for i, sym in users if i in relocated]
        if called:
            raise Refused(f"{path}: has relocations against {', '.join(called)}; only a newer libstdc++ helps")
        edits.append((entry, struct.pack("<I", elf_hash(FALLBACK_VERSION))))
        edits.append((entry + 8, struct.pack("<I", fallback_name)))
        edits.extend((versym["offset"] + 2 * i, struct.pack("<H", VER_NDX_GLOBAL)) for i, _ in users)
        print(f"{path}: {name.decode()} (not in the host's libstdc++) -> {FALLBACK_VERSION.decode()}; "
              f"unversioned: {', '.join(sym.decode() for _, sym in users)}")
    return edits


def main(argv):
    check = "--check" in argv
    files = [a for a in argv if a != "--check"]
    if not files:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(host_libstdcxx(), "rb") as f:
            host = Elf(f.read(), "libstdc++.so.6")
        host_versions = host.defined_versions()
        status = 0
        for path in files:
            with open(path, "rb") as f:
                data = bytearray(f.read())
            edits = plan(Elf(bytes(data), path), path, host_versions)
            if not edits:
                print(f"{path}: loads with the host's libstdc++; unchanged")
                continue
            if check:
                status = 1
                continue
            for offset, value in edits:
                data[offset:offset + len(value)] = value
            handle, temp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".libstdcxx_compat.")
            with os.fdopen(handle, "wb") as f:
                f.write(data)
            os.chmod(temp, os.stat(path).st_mode & 0o777)
            os.replace(temp, path)
        return status
    except (OSError, Refused) as e:
        print(f"libstdcxx_compat: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
