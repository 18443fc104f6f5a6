#!/usr/bin/env python3
"""The PyTorch side of `npm run bench:suite` (bench/suite.ts): the same training steps as the project's,
in PyTorch on the CPU, one thread. One process for the whole suite.

Modes:
  suite-torch.py --info            one JSON line: torch version, BLAS (library, OpenBLAS config and core),
                                   threads, oneDNN, a 512x512 sgemm rate; then exit.
  suite-torch.py                   line protocol (what bench/suite.ts uses): prints the --info line, then for
                                   every JSON request line on stdin {"workload": {...}, "warmup": W, "steps": N}
                                   one JSON answer line {"name", "ms", "stepMs", "loss"} (or {"error"}); ends at EOF.
  suite-torch.py FILE.json         FILE = {"workloads": [...], "warmup": W, "steps": N, "rounds": R}: runs every
                                   workload R times and prints one JSON document (info + results) on stdout.

A workload: {"name", "model": logreg|ffnn100|mlp|lenet5|vgg16bn, "shape": [h, w, c], "width", "batch",
"classes", "mean": [...], "std": [...], "seed"}. A training step is what the project's trainer does per
iteration: a uint8 batch normalised to float ((x/255 - mean)/std), forward in training mode, cross-entropy,
backward, torch.optim.Adam(lr=1e-3) step, and the loss read back. The model, optimizer and data are built
afresh for every request (as the project builds them for every run), the warm-up steps are not timed.

Run it with the environment bench/suite.ts gives it: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset,
OMP/OPENBLAS/MKL_NUM_THREADS=1 and the glibc malloc settings of TORCH_MALLOC there (keep freed memory instead
of handing it back to the kernel every step); torch.set_num_threads(1) is called here as well.
"""
import ctypes
import json
import os
import re
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass


def blas_info():
    """Which BLAS the process really loaded (from /proc/self/maps after a matmul), and OpenBLAS's own words."""
    a = torch.randn(512, 512)
    b = torch.randn(512, 512)
    for _ in range(3):
        torch.mm(a, b)
    reps = 20
    t0 = time.perf_counter()
    for _ in range(reps):
        torch.mm(a, b)
    gflops = 2 * 512**3 * reps / (time.perf_counter() - t0) / 1e9
    libs = []
    try:
        with open('/proc/self/maps') as f:
            for line in f:
                parts = line.split()
                if len(parts) < 6 or not parts[5].startswith('/'):
                    continue
                base = os.path.basename(parts[5])
                if re.search(r'blas|blis|mkl_rt|libmkl|libflame', base) and parts[5] not in libs:
                    libs.append(parts[5])
    except OSError:
        pass
    resolved = [os.path.realpath(p) for p in libs]
    # The library torch's sgemm_ calls really bind to: dlsym from libtorch_cpu's handle (itself, then its
    # dependencies in load order), then dladdr. Mapped libraries alone can mislead: OpenBLAS's LAPACK may pull
    # libopenblas in next to the reference libblas that actually serves sgemm_.
    sgemm_lib = None
    try:
        torch_cpu = next(p for p in (l.split()[-1] for l in open('/proc/self/maps')) if os.path.basename(p).startswith('libtorch_cpu.so'))
        fn = getattr(ctypes.CDLL(torch_cpu), 'sgemm_')

        class DlInfo(ctypes.Structure):
            _fields_ = [('dli_fname', ctypes.c_char_p), ('dli_fbase', ctypes.c_void_p), ('dli_sname', ctypes.c_char_p), ('dli_saddr', ctypes.c_void_p)]

        di = DlInfo()
        libc = ctypes.CDLL(None)
        if libc.dladdr(ctypes.cast(fn, ctypes.c_void_p), ctypes.byref(di)):
            sgemm_lib = os.path.realpath(di.dli_fname.decode())
    except (StopIteration, OSError, AttributeError):
        pass
    config = None
    core = None
    serving = [sgemm_lib] if sgemm_lib else resolved
    for p in serving:
        try:
            lib = ctypes.CDLL(p)
        except OSError:
            continue
        if hasattr(lib, 'openblas_get_config'):
            lib.openblas_get_config.restype = ctypes.c_char_p
            config = lib.openblas_get_config().decode()
            if hasattr(lib, 'openblas_get_corename'):
                lib.openblas_get_corename.restype = ctypes.c_char_p
                core = lib.openblas_get_corename().decode()
            break
    if config:
        kind = 'OpenBLAS'
    elif any('/blas/libblas' in p for p in serving):
        kind = 'reference BLAS (netlib)'
    elif serving:
        kind = 'other'
    else:
        kind = 'unknown'
    return {
        'kind': kind,
        'libraries': [f'{p} -> {r}' if p != r else p for p, r in zip(libs, resolved)],
        'openblasConfig': config,
        'openblasCore': core,
        'sgemmFrom': sgemm_lib,
        'sgemm512GflopsPerS': round(gflops, 1),
    }


def debian_versions():
    import subprocess
    out = {}
    for pkg in ('python3-torch', 'libopenblas0-pthread'):
        try:
            r = subprocess.run(['dpkg-query', '-W', '-f=${Version}', pkg], capture_output=True, text=True, timeout=30)
            out[pkg] = r.stdout.strip() if r.returncode == 0 and r.stdout.strip() else None
        except (OSError, subprocess.SubprocessError):
            out[pkg] = None
    return out


def info():
    return {
        'torch': torch.__version__,
        'python': sys.version.split()[0],
        'executable': sys.executable,
        'debian': debian_versions(),
        'threads': torch.get_num_threads(),
        'mkldnn': bool(torch.backends.mkldnn.is_available()),
        'blasInfo': re.search(r'BLAS_INFO=([^,]*)', torch.__config__.show()).group(1) if 'BLAS_INFO=' in torch.__config__.show() else None,
        'blas': blas_info(),
        'env': {k: os.environ.get(k) for k in ('OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS',
                                               'MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_', 'MALLOC_TOP_PAD_')},
    }


def scaled(c, width):
    return max(1, int(round(c * width)))


VGG_D = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0]


def build(w):
    """The project's architectures (src/models/catalog.ts, mlp.ts, lenet.ts, vgg.ts) as torch modules."""
    h, wd, c = w['shape']
    k = w['classes']
    m = w['model']
    dense = {'logreg': [], 'ffnn100': [100], 'mlp': [1000, 1000]}
    if m in dense:
        sizes = [h * wd * c] + dense[m] + [k]
        layers = [nn.Flatten()]
        for i in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < len(sizes) - 2:
                layers.append(nn.ReLU())
        return nn.Sequential(*layers)
    if m == 'lenet5':
        pad = 2 if h == 28 else 0
        return nn.Sequential(
            nn.Conv2d(c, 6, 5, padding=pad), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, k))
    if m == 'vgg16bn':
        width = w.get('width', 1)
        layers = []
        ch = c
        for v in VGG_D:
            if v == 0:
                layers.append(nn.MaxPool2d(2))
            else:
                out = scaled(v, width)
                layers += [nn.Conv2d(ch, out, 3, padding=1), nn.BatchNorm2d(out), nn.ReLU()]
                ch = out
        hid = scaled(512, width)
        side = h // 32
        return nn.Sequential(
            *layers, nn.Flatten(),
            nn.Dropout(0.5), nn.Linear(ch * side * side, hid), nn.ReLU(),
            nn.Dropout(0.5), nn.Linear(hid, hid), nn.ReLU(), nn.Linear(hid, k))
    raise ValueError(f'unknown model {m}')


def run(w, warmup, steps):
    torch.manual_seed(w.get('seed', 1))
    model = build(w)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    h, wd, c = w['shape']
    n = w['batch']
    g = torch.Generator().manual_seed(w.get('seed', 1))
    pool = 8  # distinct batches, cycled (the project's synthetic training set is 8 batches too)
    images = torch.randint(0, 256, (pool, n, c, h, wd), dtype=torch.uint8, generator=g)
    labels = torch.randint(0, w['classes'], (pool, n), dtype=torch.int64, generator=g)
    mean = torch.tensor(w['mean'], dtype=torch.float32).view(1, -1, 1, 1)
    std = torch.tensor(w['std'], dtype=torch.float32).view(1, -1, 1, 1)
    loss_v = float('nan')
    times = []
    t0 = None
    for t in range(warmup + steps):
        if t == warmup:
            t0 = time.perf_counter()
        s = time.perf_counter()
        x = (images[t % pool].float() / 255 - mean) / std
        y = labels[t % pool]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        loss_v = loss.item()
        if t >= warmup:
            times.append((time.perf_counter() - s) * 1000)
    total = (time.perf_counter() - t0) * 1000
    return {'name': w['name'], 'ms': total / steps, 'stepMs': times, 'loss': loss_v}


def main():
    args = sys.argv[1:]
    if args == ['--info']:
        print(json.dumps(info()), flush=True)
        return
    if args:
        with open(args[0]) as f:
            spec = json.load(f)
        out = {'info': info(), 'results': []}
        for _ in range(spec.get('rounds', 1)):
            for w in spec['workloads']:
                out['results'].append(run(w, spec.get('warmup', 3), spec.get('steps', 10)))
        print(json.dumps(out))
        return
    print(json.dumps({'hello': info()}), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            ans = run(req['workload'], int(req.get('warmup', 3)), int(req['steps']))
        except Exception as e:  # answer, do not die: the suite goes on with the other workloads
            ans = {'error': f'{type(e).__name__}: {e}'}
        print(json.dumps(ans), flush=True)


if __name__ == '__main__':
    main()
