#!/usr/bin/env python3
"""Golden trajectories of stacked hyperoptimizers from the ORIGINAL code of
"Gradient Descent: The Ultimate Optimizer" (Chandra et al., NeurIPS 2022).

What it generates
    test/golden/stack_reference.json: for each case, a stack in this project's notation (as
    src/optim/stackSpec.ts parseStack accepts it), a small deterministic full-batch problem (a 2-parameter
    quadratic, or a logistic regression on a fixed 8x3 data set), the initial parameters, and per step the
    loss that step differentiates, the parameters after the step, and every level's effective
    hyperparameters after the step (alpha, mu, beta1, beta2, gamma). test/unit/stackGolden.test.ts replays
    every case with stackedOptimizer() on tfjs and compares step by step.

What it runs
    The reference's own classes, unmodified: gradient_descent_the_ultimate_optimizer.gdtuo (SGD, Adam,
    AdamBaydin, RMSProp, RMSPropAlpha, AdaGrad, NoOpOptimizer, ModuleWrapper), driven exactly as its
    README's training loop: mw.begin(); mw.zero_grad(); loss.backward(create_graph=True); mw.step().
    Everything in float64 (torch.set_default_dtype(torch.float64) before any tensor is made: the package
    builds its hyperparameters with torch.tensor(python float), so they are float64 too).

Versions used for the committed JSON
    gradient_descent_the_ultimate_optimizer 1.0 (its pyproject version) = the source of
    kach/gradient-descent-the-ultimate-optimizer @ d6a3dbbeed6a7b4c0dc5dbde54a36e9954d8cbed,
    src/gradient_descent_the_ultimate_optimizer/gdtuo.py, installed unmodified with pip (the PyPI wheel
    `gradient-descent-the-ultimate-optimizer==1.0` could not be downloaded on the generating machine, whose
    only Python registry is Debian's; the package's upstream README installs it from test.pypi.org);
    Debian bookworm python3-torch 1.13.1+dfsg-4 (torch.__version__ reports 1.13.0a0), CPU, Python 3.11.

How to run
    sudo apt-get install -y python3-torch
    python3 -m venv --system-site-packages /tmp/gdtuo-venv
    /tmp/gdtuo-venv/bin/pip install --no-deps gradient-descent-the-ultimate-optimizer==1.0
        # or, offline: pip install --no-deps --no-build-isolation <a checkout of the repository above>
    /tmp/gdtuo-venv/bin/python scripts/golden/gdtuo_stacks.py            # writes test/golden/stack_reference.json
    /tmp/gdtuo-venv/bin/python scripts/golden/gdtuo_stacks.py --check    # prints how far each hyperparameter moved
"""
import datetime
import importlib.metadata
import json
import math
import os
import sys
import warnings

import torch
import torch.nn.functional as F
from gradient_descent_the_ultimate_optimizer import gdtuo

torch.set_default_dtype(torch.float64)
# The reference's README: backward(create_graph=True) warns about a reference cycle; expected.
warnings.filterwarnings('ignore', message='Using backward\\(\\) with create_graph=True')

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'golden', 'stack_reference.json')

# ---- problems ----------------------------------------------------------------------------------------

QUAD = {
    'id': 'quad2',
    'kind': 'quadratic',
    'description': 'f(theta) = 1/2 theta^T A theta - b^T theta, theta in R^2 (one parameter tensor "theta", shape [2])',
    'A': [[2.0, 0.4], [0.4, 0.5]],
    'b': [1.0, -0.5],
    'params': [{'name': 'theta', 'shape': [2], 'init': [1.5, -1.0]}],
}

LOGREG = {
    'id': 'logreg8x3',
    'kind': 'logistic',
    'description': 'mean over the 8 rows of softplus(z) - y z, z = X w + b (binary cross-entropy with logits); '
                   'parameters "w" shape [3] and "b" shape [1], full batch',
    'X': [[0.5, -1.2, 0.3], [1.5, 0.2, -0.7], [-0.3, 0.8, 1.1], [0.9, -0.4, -1.3],
          [-1.1, -0.6, 0.4], [0.2, 1.4, -0.2], [-0.8, 0.3, 0.9], [1.2, 1.0, 0.6]],
    'y': [1, 1, 0, 1, 0, 0, 1, 1],
    'params': [{'name': 'w', 'shape': [3], 'init': [0.1, -0.2, 0.05]}, {'name': 'b', 'shape': [1], 'init': [0.0]}],
}


class Quad(torch.nn.Module):
    def __init__(self, p):
        super().__init__()
        self.theta = torch.nn.Parameter(torch.tensor(p['params'][0]['init']))
        self.A = torch.tensor(p['A'])
        self.b = torch.tensor(p['b'])

    def forward(self):
        th = self.theta
        return 0.5 * th @ self.A @ th - self.b @ th


class LogReg(torch.nn.Module):
    def __init__(self, p):
        super().__init__()
        self.w = torch.nn.Parameter(torch.tensor(p['params'][0]['init']))
        self.b = torch.nn.Parameter(torch.tensor(p['params'][1]['init']))
        self.X = torch.tensor(p['X'])
        self.y = torch.tensor(p['y'], dtype=torch.float64)

    def forward(self):
        z = self.X @ self.w + self.b
        return F.binary_cross_entropy_with_logits(z, self.y)


MODELS = {'quad2': (QUAD, Quad), 'logreg8x3': (LOGREG, LogReg)}

# ---- cases: our notation, and the same stack built from the reference's classes ----------------------
G = gdtuo
CASES = [
    # (id, spec in this project's notation, problem, steps, builder of the reference stack)
    ('sgd_sgd_quad', 'SGD(0.1) / SGD(0.02)', 'quad2', 8,
     lambda: G.SGD(0.1, optimizer=G.SGD(0.02))),
    ('sgd_sgd_logreg', 'SGD(0.5) / SGD(0.5)', 'logreg8x3', 8,
     lambda: G.SGD(0.5, optimizer=G.SGD(0.5))),
    ('sgdmom_sgd_quad', 'SGD(0.05, μ=0.9) / SGD(0.01)', 'quad2', 10,
     lambda: G.SGD(0.05, mu=0.9, optimizer=G.SGD(0.01))),
    ('sgdmom_sgd_logreg', 'SGD(0.3, μ=0.5) / SGD(0.3)', 'logreg8x3', 8,
     lambda: G.SGD(0.3, mu=0.5, optimizer=G.SGD(0.3))),
    ('adam_sgd_quad', 'Adam(0.1, β₁=0.7, β₂=0.8) / SGD(0.05)', 'quad2', 10,
     lambda: G.Adam(0.1, 0.7, 0.8, optimizer=G.SGD(0.05))),
    ('adam_sgd_logreg', 'Adam(0.05) / SGD(0.01)', 'logreg8x3', 10,
     lambda: G.Adam(0.05, optimizer=G.SGD(0.01))),
    ('adam_adam_logreg', 'Adam(0.05) / Adam(0.01)', 'logreg8x3', 10,
     lambda: G.Adam(0.05, optimizer=G.Adam(0.01))),
    ('adam_adam_quad', 'Adam(0.1, β₁=0.8, β₂=0.9) / Adam(0.02)', 'quad2', 10,
     lambda: G.Adam(0.1, 0.8, 0.9, optimizer=G.Adam(0.02))),
    # A large epsilon (log_eps = -2, -3), so that where it enters (v0 = eps, outside the square root) shows in float32.
    ('adam_eps_sgd_quad', 'Adam(0.1, ε=0.01) / SGD(0.05)', 'quad2', 10,
     lambda: G.Adam(0.1, log_eps=-2., optimizer=G.SGD(0.05))),
    ('adamalpha_eps_sgd_logreg', 'Adamα(0.05, ε=0.001) / SGD(0.05)', 'logreg8x3', 10,
     lambda: G.AdamBaydin(0.05, log_eps=-3., optimizer=G.SGD(0.05))),
    ('adamalpha_sgd_quad', 'Adamα(0.1) / SGD(0.01)', 'quad2', 10,
     lambda: G.AdamBaydin(0.1, optimizer=G.SGD(0.01))),
    ('adamalpha_sgd_logreg', 'Adamα(0.05, β₁=0.8, β₂=0.99) / SGD(0.01)', 'logreg8x3', 10,
     lambda: G.AdamBaydin(0.05, 0.8, 0.99, optimizer=G.SGD(0.01))),
    ('rmsprop_sgd_quad', 'RMSProp(0.05, γ=0.5) / SGD(0.3)', 'quad2', 10,
     lambda: G.RMSProp(0.05, 0.5, optimizer=G.SGD(0.3))),
    ('rmsprop_sgd_logreg', 'RMSProp(0.01) / SGD(0.1)', 'logreg8x3', 10,
     lambda: G.RMSProp(0.01, optimizer=G.SGD(0.1))),
    ('rmsprop_adam_logreg', 'RMSProp(0.01, γ=0.5) / Adam(0.02)', 'logreg8x3', 10,
     lambda: G.RMSProp(0.01, 0.5, optimizer=G.Adam(0.02))),
    ('rmspropalpha_sgd_quad', 'RMSPropα(0.01) / SGD(0.01)', 'quad2', 10,
     lambda: G.RMSPropAlpha(0.01, optimizer=G.SGD(0.01))),
    ('adagrad_sgd_quad', 'AdaGrad(0.1) / SGD(0.01)', 'quad2', 10,
     lambda: G.AdaGrad(0.1, optimizer=G.SGD(0.01))),
    ('adagrad_sgd_logreg', 'AdaGrad(0.2) / SGD(0.05)', 'logreg8x3', 10,
     lambda: G.AdaGrad(0.2, optimizer=G.SGD(0.05))),
    ('sgd_adam_quad', 'SGD(0.1) / Adam(0.01)', 'quad2', 10,
     lambda: G.SGD(0.1, optimizer=G.Adam(0.01))),
    ('sgdmom_rmsprop_quad', 'SGD(0.05, μ=0.5) / RMSProp(1e-3)', 'quad2', 10,
     lambda: G.SGD(0.05, mu=0.5, optimizer=G.RMSProp(1e-3))),
    ('sgd_adagrad_logreg', 'SGD(0.5) / AdaGrad(0.05)', 'logreg8x3', 10,
     lambda: G.SGD(0.5, optimizer=G.AdaGrad(0.05))),
    # Levels above with their class defaults (the reference's constructor defaults, against stackSpec.ts).
    ('adam_sgddefault_logreg', 'Adam(0.05) / SGD', 'logreg8x3', 10,
     lambda: G.Adam(0.05, optimizer=G.SGD())),
    ('sgd_adagraddefault_quad', 'SGD(0.1) / AdaGrad', 'quad2', 10,
     lambda: G.SGD(0.1, optimizer=G.AdaGrad())),
    ('sgd_rmspropdefault_quad', 'SGD(0.05) / RMSProp', 'quad2', 10,
     lambda: G.SGD(0.05, optimizer=G.RMSProp())),
    ('sgd_sgd_sgd_quad', 'SGD(0.1) / SGD(0.02) / SGD(0.01)', 'quad2', 10,
     lambda: G.SGD(0.1, optimizer=G.SGD(0.02, optimizer=G.SGD(0.01)))),
    ('adam_sgd_sgd_logreg', 'Adam(0.05) / SGD(0.01) / SGD(0.01)', 'logreg8x3', 10,
     lambda: G.Adam(0.05, optimizer=G.SGD(0.01, optimizer=G.SGD(0.01)))),
    ('adam_sgd_sgd_quad', 'Adam(0.1) / SGD(0.01) / SGD(0.01)', 'quad2', 10,
     lambda: G.Adam(0.1, optimizer=G.SGD(0.01, optimizer=G.SGD(0.01)))),
]


def level_values(opt):
    """Effective hyperparameters of one reference optimizer object, as floats (our names)."""
    p = opt.parameters
    f = lambda t: float(t.detach())
    if isinstance(opt, G.SGD):
        return {'alpha': f(p['alpha']), 'mu': f(p['mu'])}
    if isinstance(opt, G.AdaGrad):
        return {'alpha': f(p['alpha'])}
    if isinstance(opt, G.RMSProp):
        return {'alpha': f(torch.square(p['alpha'])), 'gamma': f(G.RMSProp.clamp(p['gamma']))}
    if isinstance(opt, G.RMSPropAlpha):
        return {'alpha': f(torch.square(p['alpha'])), 'gamma': float(opt.gamma)}
    if isinstance(opt, G.Adam):
        return {'alpha': f(p['alpha']), 'beta1': f(G.Adam.clamp(p['beta1'])), 'beta2': f(G.Adam.clamp(p['beta2']))}
    if isinstance(opt, G.AdamBaydin):
        return {'alpha': f(p['alpha']), 'beta1': float(opt.beta1), 'beta2': float(opt.beta2)}
    raise TypeError(type(opt))


def levels_of(mw):
    out = []
    opt = mw.optimizer
    while not isinstance(opt, G.NoOpOptimizer):
        out.append(opt)
        opt = opt.optimizer
    return out


def run_case(cid, spec, pid, steps, build):
    problem, Model = MODELS[pid]
    model = Model(problem)
    mw = G.ModuleWrapper(model, optimizer=build())
    mw.initialize()
    names = [q['name'] for q in problem['params']]
    levels = levels_of(mw)
    init_hypers = [level_values(o) for o in levels]
    out_steps = []
    for k in range(1, steps + 1):
        mw.begin()
        loss = mw.forward()
        mw.zero_grad()
        loss.backward(create_graph=True)
        mw.step()
        out_steps.append({
            'step': k,
            'loss': float(loss.detach()),
            'params': [[float(x) for x in mw.parameters[n].detach().reshape(-1)] for n in names],
            'hypers': [level_values(o) for o in levels],
        })
    return {
        'id': cid, 'spec': spec, 'problem': pid, 'steps_count': steps,
        'reference_stack': str(mw.optimizer).strip(),
        'init_hypers': init_hypers,
        'steps': out_steps,
    }


def main():
    check = '--check' in sys.argv
    cases = [run_case(*c) for c in CASES]
    for c in cases:
        assert all(math.isfinite(s['loss']) for s in c['steps']), c['id']
    if check:
        for c in cases:
            moves = []
            for l, h0 in enumerate(c['init_hypers']):
                hn = c['steps'][-1]['hypers'][l]
                moves.append(', '.join(f'{k} {h0[k]:.4g}->{hn[k]:.4g}' for k in h0 if h0[k] != hn[k]))
            print(f"{c['id']:24s} loss {c['steps'][0]['loss']:.4f}->{c['steps'][-1]['loss']:.4f} | " + ' | '.join(moves))
        return
    doc = {
        'schema_version': 1,
        'generator': 'scripts/golden/gdtuo_stacks.py',
        'provenance': {
            'package': 'gradient_descent_the_ultimate_optimizer',
            'package_version': importlib.metadata.version('gradient_descent_the_ultimate_optimizer'),
            'package_source': 'kach/gradient-descent-the-ultimate-optimizer@d6a3dbbeed6a7b4c0dc5dbde54a36e9954d8cbed '
                              'src/gradient_descent_the_ultimate_optimizer/gdtuo.py, unmodified',
            'torch_version': torch.__version__,
            'torch_package': 'Debian python3-torch 1.13.1+dfsg-4 (CPU)',
            'python': sys.version.split()[0],
            'dtype': str(torch.get_default_dtype()),
            'date': datetime.date.today().isoformat(),
        },
        'loop': 'per step: mw.begin(); loss = forward(); mw.zero_grad(); loss.backward(create_graph=True); mw.step()',
        'recording': {
            'loss': 'the loss at the parameters the step starts from (the one it differentiates)',
            'params': 'each parameter tensor, flattened, after the step, in problem.params order',
            'hypers': 'per level (0 = the model\'s optimizer), the effective hyperparameters after the step: '
                      'alpha (RMSProp: raw^2), mu (SGD), beta1/beta2 ((tanh raw + 1)/2; AdamBaydin: constants), '
                      'gamma ((tanh raw + 1)/2; RMSPropAlpha: constant); the top level never moves',
            'init_hypers': 'the same before the first step',
        },
        'problems': {'quad2': QUAD, 'logreg8x3': LOGREG},
        'cases': cases,
    }
    with open(OUT, 'w') as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.write('\n')
    print(f'wrote {os.path.normpath(OUT)}: {len(cases)} cases, {os.path.getsize(OUT)} bytes')


if __name__ == '__main__':
    main()
