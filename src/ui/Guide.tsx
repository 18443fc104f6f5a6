// "What am I looking at?": a few sentences for someone who arrives from a shared link. Open on the
// first visit, closed on later ones; opening or closing it is remembered (localStorage, per browser).
// Opened only because it is the first visit, it closes at the first Start, so the charts come into view.
import { useEffect, useRef, useState } from 'react';
import { useRunsStore } from '../store/runsStore';

export const GUIDE_KEY = 'hypergradient-playground:guide-open';

/** Open unless the person has been here before (then as they left it). */
function initiallyOpen(): boolean {
  try {
    const saved = localStorage.getItem(GUIDE_KEY);
    if (saved === null) {
      localStorage.setItem(GUIDE_KEY, 'false'); // the next visit starts closed
      return true;
    }
    return saved === 'true';
  } catch {
    return true; // storage refused (private mode): always open, nothing to remember
  }
}

export function Guide() {
  const [open, setOpen] = useState(initiallyOpen);
  const chosen = useRef(false); // the person opened or closed it themselves
  const started = useRunsStore((s) => s.current.length > 0);
  useEffect(() => {
    if (started && !chosen.current) setOpen(false);
  }, [started]);
  return (
    <section className="guide" aria-labelledby="guide-title">
      <details
        open={open}
        onToggle={(e) => {
          const now = e.currentTarget.open;
          if (now === open) return; // our own change (the first Start), not the person's
          chosen.current = true;
          setOpen(now);
          try {
            localStorage.setItem(GUIDE_KEY, String(now));
          } catch {
            // Not remembered: nothing else to do.
          }
        }}
      >
        <summary id="guide-title">What am I looking at?</summary>
        <p>
          Each ticked optimizer trains the same network on the same batches, in its own worker in this browser. A{' '}
          <strong>hypergradient (HD)</strong> optimizer also learns its learning rate α as it goes: after each step it moves α by
          β times the derivative of the loss with respect to α, <span className="formula">α<sub>t</sub> = α<sub>t−1</sub> − β·∂f/∂α</span>,
          where <span className="formula">∂f/∂α = −g<sub>t</sub>·u<sub>t−1</sub></span> is minus the dot product of this step&apos;s gradient
          with the previous update direction. If the last two steps pointed the same way, α grows; if they disagree, it shrinks, and it may
          even go below 0.
        </p>
        <p>
          The <strong>variants</strong> are named <em>{'{X}'}op-{'{Y}'}lop</em>: optimizer X updates the weights and optimizer Y updates α from
          the hypergradient (plain SGD, Nesterov momentum or Adam on α). Each is read against its HD baseline (SGDop-Adamlop against SGD-HD);
          each HD optimizer against its plain one (SGD-HD against SGD).
        </p>
        <p>
          <strong>Reading the charts:</strong> a variant and its baselines share a colour family; plain optimizers are solid, HD and variants
          dashed. The learning-rate chart shows α after each step (symmetric-log axis by default, so a negative α stays visible); a flat line
          is a fixed-rate optimizer. The runs table above the charts puts the final numbers side by side, with each run&apos;s difference to its
          baseline.
        </p>
        <p>
          The <strong>second-order</strong> optimizers use curvature. <strong>ESGD-M</strong> divides each weight&apos;s step by √d, an
          estimate of the size of the loss&apos;s curvature along that weight from Hessian-vector products (the Curvature panel shows √d per
          layer); <strong>L-BFGS</strong> builds a model of the curvature from its recent gradients and may evaluate the same minibatch several
          times per step. A step of theirs costs more than one gradient evaluation, so compare them on the <em>Gradient evaluations</em> x axis;
          their learning-rate line is their step size.
        </p>
        <p>
          <strong>Adam + learned schedule</strong> (group Learned) leaves α to a controller trained by reinforcement learning: every 10 steps
          it reads 7 numbers of the training (the Controller inputs panel shows them) and multiplies α by 1.05, divides it by 1.05 or keeps it,
          so its learning-rate line moves in small steps. It trains without 10,000 held-out validation images, whose loss the controller reads.
        </p>
        <p>
          Papers:{' '}
          <a href="https://arxiv.org/abs/1703.04782" rel="noreferrer">
            Baydin et al., Online Learning Rate Adaptation with Hypergradient Descent (ICLR 2018)
          </a>
          ; the op/lop variants:{' '}
          <a href="https://github.com/harshalmittal4/Hypergradient_variants" rel="noreferrer">
            harshalmittal4/Hypergradient_variants
          </a>
          ; ESGD-M:{' '}
          <a href="https://github.com/crowsonkb/esgd" rel="noreferrer">
            crowsonkb/esgd
          </a>{' '}
          after{' '}
          <a href="https://arxiv.org/abs/1502.04390" rel="noreferrer">
            Dauphin et al., Equilibrated adaptive learning rates for non-convex optimization (NeurIPS 2015)
          </a>
          ; L-BFGS: torch.optim.LBFGS.
        </p>
      </details>
    </section>
  );
}
