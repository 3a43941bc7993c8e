#!/usr/bin/env python3
"""bpf-pin.py PATH VALUE: load an eBPF socket filter that returns VALUE
(r0 = VALUE; exit) and pin it at PATH, a file in a mounted bpf file
system, for -m bpf --object-pinned. Uses the bpf(2) system call through
ctypes: BPF_PROG_LOAD, then BPF_OBJ_PIN."""
import ctypes
import os
import struct
import sys

SYS_BPF = 321  # x86_64
BPF_PROG_LOAD, BPF_OBJ_PIN = 5, 6
BPF_PROG_TYPE_SOCKET_FILTER = 1


def bpf(libc, cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    ret = libc.syscall(SYS_BPF, cmd, buf, 128)
    if ret < 0:
        err = ctypes.get_errno()
        sys.exit("bpf-pin: bpf(%d): %s" % (cmd, os.strerror(err)))
    return ret


def main():
    path, value = sys.argv[1], int(sys.argv[2], 0)
    libc = ctypes.CDLL(None, use_errno=True)
    # struct bpf_insn: u8 code, u8 dst:4 src:4, s16 off, s32 imm
    insns = struct.pack("<BBhi", 0xB7, 0, 0, value) + struct.pack("<BBhi", 0x95, 0, 0, 0)
    ibuf = ctypes.create_string_buffer(insns, len(insns))
    lic = ctypes.create_string_buffer(b"GPL")
    attr = struct.pack("<IIQQ", BPF_PROG_TYPE_SOCKET_FILTER, 2,
                       ctypes.addressof(ibuf), ctypes.addressof(lic))
    fd = bpf(libc, BPF_PROG_LOAD, attr)
    pbuf = ctypes.create_string_buffer(path.encode())
    bpf(libc, BPF_OBJ_PIN, struct.pack("<QI", ctypes.addressof(pbuf), fd))
    os.close(fd)


main()
