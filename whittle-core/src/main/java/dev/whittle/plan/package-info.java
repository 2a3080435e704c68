/**
 * Compiled inference plans: a model's layers turned into ops over packed weights, with
 * BatchNorm folded and activations fused, run from per-thread workspaces. What Whittle measures
 * and deploys is a plan.
 */
package dev.whittle.plan;
