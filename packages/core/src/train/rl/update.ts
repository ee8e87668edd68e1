/**
 * One GRPO update on a sampled batch: `updatesPerBatch` gradient steps on the clipped surrogate
 * with the KL penalty, the gradient clipped to global norm 1. Nothing is applied when the loss
 * or the gradient is not finite (the caller stops the run).
 */
import * as tf from "@tensorflow/tfjs";
import type { GeoModel } from "../../model/network.ts";
import {
  activeMean,
  type ChainActions,
  chainKl,
  chainLogProb,
  type GroupAdvantages,
  grpoLoss,
  levelEntropies,
  offsetKl,
  policyTerms,
} from "./grpo.ts";
import type { SampledChains } from "./sample.ts";

export interface GrpoUpdateOptions {
  clip: number;
  /** β of the KL penalty. */
  kl: number;
  updatesPerBatch: number;
  /** σ of the Gaussian offset policy in 100 km (0: the offset is not part of the policy). */
  offsetSigma: number;
}

export interface GrpoUpdateStats {
  /** False when a non-finite loss or gradient stopped the update (weights unchanged since). */
  finite: boolean;
  /** Loss, KL and gradient norm of the first gradient step (at the sampling policy). */
  loss: number;
  kl: number;
  /** The offset policy's share of kl (0 without an offset policy). */
  klOffset: number;
  gradNorm: number;
  /** Largest fraction of clipped ratios over the gradient steps. */
  clipFraction: number;
  /** Mean entropy of the country, admin-1 and place levels. */
  entropy: number[];
}

export function grpoUpdate(
  policy: GeoModel,
  reference: GeoModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor,
  s: SampledChains,
  adv: GroupAdvantages,
  G: number,
  opts: GrpoUpdateOptions,
): GrpoUpdateStats {
  const stats: GrpoUpdateStats = {
    finite: true,
    loss: 0,
    kl: 0,
    klOffset: 0,
    gradNorm: 0,
    clipFraction: 0,
    entropy: [0, 0, 0],
  };
  if (adv.zeroVarianceFraction >= 1) return stats;
  const actions: ChainActions = {
    image: Int32Array.from({ length: s.n }, (_, i) => Math.floor(i / G)),
    tokens: s.tokens,
    offsets: s.offsets,
  };
  // log π_old of each chain: its levels and its offset under the policy that sampled it.
  const oldLogp = Float32Array.from(
    { length: s.n },
    (_, i) => s.levelLogProbs[3 * i] + s.levelLogProbs[3 * i + 1] + s.levelLogProbs[3 * i + 2] + s.offsetLogProbs[i],
  );
  const ref = tf.tidy(() => policyTerms(reference, x, actions));
  try {
    for (let u = 0; u < opts.updatesPerBatch; u++) {
      const out = tf.tidy(() => {
        let kept: tf.Tensor[] = [];
        const { value, grads } = tf.variableGrads(() => {
          const p = policyTerms(policy, x, actions);
          const kl = chainKl(p, ref, opts.offsetSigma);
          const g = grpoLoss(chainLogProb(p, actions, opts.offsetSigma), tf.tensor1d(oldLogp), kl, adv, {
            clip: opts.clip,
            klBeta: opts.kl,
          });
          const klOffset = opts.offsetSigma > 0 ? activeMean(offsetKl(p, ref, opts.offsetSigma), adv) : tf.scalar(0);
          kept = [g.kl, g.clipFraction, levelEntropies(p), klOffset].map((t) => tf.keep(t));
          return g.loss;
        }, policy.variableList);
        const norm = Math.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))).dataSync()[0]);
        const loss = value.dataSync()[0];
        const [kl, clipFraction, entropy, klOffset] = kept.map((t) => Array.from(t.dataSync()));
        for (const t of kept) t.dispose();
        const finite = Number.isFinite(loss) && Number.isFinite(norm);
        if (finite) {
          // Global-norm clipping at 1: one unlucky group cannot throw the policy far.
          const scale = norm > 1 ? 1 / norm : 1;
          const scaled = Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, scale)]));
          optimizer.applyGradients(scaled as Parameters<typeof optimizer.applyGradients>[0]);
        }
        return { finite, loss, norm, kl: kl[0], klOffset: klOffset[0], clipFraction: clipFraction[0], entropy };
      });
      if (u === 0 || !out.finite) {
        stats.loss = out.loss;
        stats.kl = out.kl;
        stats.klOffset = out.klOffset;
        stats.gradNorm = out.norm;
        stats.entropy = out.entropy;
      }
      stats.clipFraction = Math.max(stats.clipFraction, out.clipFraction);
      if (!out.finite) return { ...stats, finite: false };
    }
  } finally {
    tf.dispose(ref);
  }
  return stats;
}
