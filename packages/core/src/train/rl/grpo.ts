/**
 * Group Relative Policy Optimization (GRPO; Shao et al. 2024, "DeepSeekMath", §4.1):
 * for each image, G chains are sampled from the policy, each gets a reward r, and its
 * advantage is the reward normalised within its group, A = (r − mean) / (std + ε). The policy
 * maximises the PPO clipped surrogate min(ρA, clip(ρ, 1−ε, 1+ε)A) with ρ = π/π_old on the
 * whole chain's probability, minus β·KL(π ‖ π_ref) to the frozen SFT reference.
 *
 * The policy here is the chain country → admin-1 → place (categorical levels) followed by the
 * offset, a Gaussian with the offset head's output as mean and a fixed σ. KL and entropy of
 * the categorical levels are exact (the full distributions are at hand); the Gaussian KL with
 * equal σ is |μ − μ_ref|² / 2σ².
 */
import * as tf from "@tensorflow/tfjs";
import type { GeoModel } from "../../model/network.ts";
import { oneHotRows } from "../../util/one-hot.ts";

export interface GroupAdvantages {
  /** [n]: (r − mean_g) / (std_g + ε); 0 in groups without reward variance. */
  advantages: Float32Array;
  /** [n]: 1 where the chain's group has reward variance (it carries a learning signal). */
  active: Float32Array;
  /** Fraction of groups whose G rewards are all equal. */
  zeroVarianceFraction: number;
}

/** Group-normalised advantages of n = groups × G rewards laid out group after group. */
export function groupAdvantages(rewards: ArrayLike<number>, G: number, eps = 1e-4): GroupAdvantages {
  const n = rewards.length;
  if (!Number.isInteger(G) || G < 2 || n % G !== 0) {
    throw new RangeError(`group size ${G} must be an integer ≥ 2 dividing the ${n} rewards`);
  }
  const advantages = new Float32Array(n);
  const active = new Float32Array(n);
  let flat = 0;
  for (let g = 0; g < n; g += G) {
    let mean = 0;
    for (let i = g; i < g + G; i++) {
      if (!Number.isFinite(rewards[i])) throw new RangeError(`reward ${rewards[i]} of chain ${i} is not finite`);
      mean += rewards[i];
    }
    mean /= G;
    let variance = 0;
    for (let i = g; i < g + G; i++) variance += (rewards[i] - mean) ** 2;
    const std = Math.sqrt(variance / G);
    // Equal rewards (up to float noise) say nothing about which chain is better.
    if (std < 1e-9) {
      flat++;
      continue;
    }
    for (let i = g; i < g + G; i++) {
      advantages[i] = (rewards[i] - mean) / (std + eps);
      active[i] = 1;
    }
  }
  return { advantages, active, zeroVarianceFraction: flat / (n / G) };
}

/** The PPO clipped surrogate per chain, min(ρA, clip(ρ, 1−ε, 1+ε)A). */
export function clippedSurrogate(ratio: tf.Tensor1D, advantages: tf.Tensor1D, clip: number): tf.Tensor1D {
  return tf.minimum(
    tf.mul(ratio, advantages),
    tf.mul(tf.clipByValue(ratio, 1 - clip, 1 + clip), advantages),
  ) as tf.Tensor1D;
}

/** The sampled actions a policy is scored on: n chains of tokens and offsets, and their images. */
export interface ChainActions {
  /** [n] row of each chain's image in the feature batch (group g → image g). */
  image: Int32Array;
  /** [n × 3] country, admin-1, place. */
  tokens: Int32Array;
  /** [n × 2] offsets (100 km units). */
  offsets: Float32Array;
}

/** A policy's view of sampled chains: log-softmax of each level (given the sampled prefix) and the offset mean. */
// A type alias, not an interface, so that tf.tidy accepts it as a TensorContainer.
export type PolicyTerms = {
  levels: [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  offsetMean: tf.Tensor2D;
};

/** Scores sampled chains under a model. Call inside tf.tidy / tf.variableGrads. */
export function policyTerms(model: GeoModel, x: tf.Tensor, a: ChainActions): PolicyTerms {
  const n = a.image.length;
  const col = (k: number) =>
    tf.tensor1d(
      Int32Array.from({ length: n }, (_, i) => a.tokens[3 * i + k]),
      "int32",
    );
  const f = tf.gather(model.features(x), tf.tensor1d(a.image, "int32")) as tf.Tensor2D;
  const country = col(0);
  const admin1 = col(1);
  const cell = col(2);
  const skip = model.sharedSkip(f);
  return {
    levels: [
      tf.logSoftmax(model.countryLogits(f, skip)),
      tf.logSoftmax(model.admin1Logits(f, country, skip)),
      tf.logSoftmax(model.cellLogits(f, admin1)),
    ],
    offsetMean: model.offset(f, cell, admin1),
  };
}

/** [n]: Σ over levels of log π(token) + the Gaussian offset log-density (without constant). */
export function chainLogProb(p: PolicyTerms, a: ChainActions, offsetSigma: number): tf.Tensor1D {
  const n = a.image.length;
  let logp = tf.zeros([n]) as tf.Tensor1D;
  p.levels.forEach((level, k) => {
    const picked = oneHotRows(
      tf.tensor1d(
        Int32Array.from({ length: n }, (_, i) => a.tokens[3 * i + k]),
        "int32",
      ),
      level.shape[1],
    );
    logp = tf.add(logp, tf.sum(tf.mul(level, picked), 1)) as tf.Tensor1D;
  });
  if (offsetSigma > 0) {
    const dev = tf.sub(tf.tensor2d(a.offsets, [n, 2]), p.offsetMean);
    logp = tf.sub(logp, tf.div(tf.sum(tf.square(dev), 1), 2 * offsetSigma * offsetSigma)) as tf.Tensor1D;
  }
  return logp;
}

/** [n]: KL(π ‖ π_ref) of each chain: exact per level given the sampled prefix, plus the Gaussian term. */
export function chainKl(p: PolicyTerms, ref: PolicyTerms, offsetSigma: number): tf.Tensor1D {
  let kl = tf.zeros([p.offsetMean.shape[0]]) as tf.Tensor1D;
  p.levels.forEach((level, k) => {
    kl = tf.add(kl, tf.sum(tf.mul(tf.exp(level), tf.sub(level, ref.levels[k])), 1)) as tf.Tensor1D;
  });
  return offsetSigma > 0 ? (tf.add(kl, offsetKl(p, ref, offsetSigma)) as tf.Tensor1D) : kl;
}

/** [n]: the offset's share of the KL, |μ − μ_ref|² / 2σ² (two Gaussians of equal σ). */
export function offsetKl(p: PolicyTerms, ref: PolicyTerms, offsetSigma: number): tf.Tensor1D {
  const dev = tf.sub(p.offsetMean, ref.offsetMean);
  return tf.div(tf.sum(tf.square(dev), 1), 2 * offsetSigma * offsetSigma) as tf.Tensor1D;
}

/** Mean of `values` over the chains of groups that take part in the loss. */
export function activeMean(values: tf.Tensor1D, adv: GroupAdvantages): tf.Scalar {
  const active = tf.tensor1d(adv.active);
  return tf.div(tf.sum(tf.mul(values, active)), tf.maximum(tf.sum(active), 1)) as tf.Scalar;
}

/** Mean entropy (nats) of each categorical level over the chains. */
export function levelEntropies(p: PolicyTerms): tf.Tensor1D {
  return tf.stack(p.levels.map((level) => tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(level), level), 1))))) as tf.Tensor1D;
}

export interface GrpoLoss {
  loss: tf.Scalar;
  /** Mean KL over active chains. */
  kl: tf.Scalar;
  /** Fraction of active chains whose ratio was clipped. */
  clipFraction: tf.Scalar;
}

/**
 * −(1/N_active) Σ_active [min(ρA, clip(ρ)A) − β·KL]: groups without reward variance contribute
 * nothing, not even their KL term. Call inside tf.variableGrads.
 */
export function grpoLoss(
  logp: tf.Tensor1D,
  oldLogp: tf.Tensor1D,
  kl: tf.Tensor1D,
  adv: GroupAdvantages,
  opts: { clip: number; klBeta: number },
): GrpoLoss {
  // ρ = exp(log π − log π_old); the exponent is bounded so a stale ratio cannot overflow.
  const ratio = tf.exp(tf.clipByValue(tf.sub(logp, oldLogp), -20, 20)) as tf.Tensor1D;
  const surrogate = clippedSurrogate(ratio, tf.tensor1d(adv.advantages), opts.clip);
  const perChain = tf.sub(surrogate, tf.mul(kl, opts.klBeta));
  const loss = tf.neg(activeMean(perChain as tf.Tensor1D, adv)) as tf.Scalar;
  const clipped = tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), opts.clip), "float32");
  return {
    loss,
    kl: activeMean(kl, adv),
    clipFraction: activeMean(clipped as tf.Tensor1D, adv),
  };
}
