/**
 * same-api — the reference solutions keep the exercises' signatures: each solution module must be
 * assignable to its exercise module, so a test typed against the exercise (what the learner sees)
 * also fits the solution it runs against in `npm test`. Checked by `tsc --noEmit`; nothing runs here.
 */
import type * as E_00_1_more_ops from '../00-1-more-ops.js';
import type * as S_00_1_more_ops from './00-1-more-ops.js';
import type * as E_00_2_backward from '../00-2-backward.js';
import type * as S_00_2_backward from './00-2-backward.js';
import type * as E_00_3_numerical_gradient from '../00-3-numerical-gradient.js';
import type * as S_00_3_numerical_gradient from './00-3-numerical-gradient.js';
import type * as E_01_1_broadcast_shapes from '../01-1-broadcast-shapes.js';
import type * as S_01_1_broadcast_shapes from './01-1-broadcast-shapes.js';
import type * as E_01_2_strides from '../01-2-strides.js';
import type * as S_01_2_strides from './01-2-strides.js';
import type * as E_01_3_sum_to_shape from '../01-3-sum-to-shape.js';
import type * as S_01_3_sum_to_shape from './01-3-sum-to-shape.js';
import type * as E_02_1_unary_ops from '../02-1-unary-ops.js';
import type * as S_02_1_unary_ops from './02-1-unary-ops.js';
import type * as E_02_2_hypot from '../02-2-hypot.js';
import type * as S_02_2_hypot from './02-2-hypot.js';
import type * as E_02_3_gradcheck from '../02-3-gradcheck.js';
import type * as S_02_3_gradcheck from './02-3-gradcheck.js';
import type * as E_03_1_cross_entropy from '../03-1-cross-entropy.js';
import type * as S_03_1_cross_entropy from './03-1-cross-entropy.js';
import type * as E_03_2_momentum from '../03-2-momentum.js';
import type * as S_03_2_momentum from './03-2-momentum.js';
import type * as E_03_3_warmup_cosine from '../03-3-warmup-cosine.js';
import type * as S_03_3_warmup_cosine from './03-3-warmup-cosine.js';
import type * as E_03_4_train_step from '../03-4-train-step.js';
import type * as S_03_4_train_step from './03-4-train-step.js';
import type * as E_04_1_im2col from '../04-1-im2col.js';
import type * as S_04_1_im2col from './04-1-im2col.js';
import type * as E_04_2_conv_gradients from '../04-2-conv-gradients.js';
import type * as S_04_2_conv_gradients from './04-2-conv-gradients.js';
import type * as E_04_3_max_pool from '../04-3-max-pool.js';
import type * as S_04_3_max_pool from './04-3-max-pool.js';
import type * as E_05_1_batch_norm_forward from '../05-1-batch-norm-forward.js';
import type * as S_05_1_batch_norm_forward from './05-1-batch-norm-forward.js';
import type * as E_05_2_batch_norm_backward from '../05-2-batch-norm-backward.js';
import type * as S_05_2_batch_norm_backward from './05-2-batch-norm-backward.js';
import type * as E_05_3_fold_bn from '../05-3-fold-bn.js';
import type * as S_05_3_fold_bn from './05-3-fold-bn.js';
import type * as E_05_4_residual_block from '../05-4-residual-block.js';
import type * as S_05_4_residual_block from './05-4-residual-block.js';
import type * as E_06_1_rnn from '../06-1-rnn.js';
import type * as S_06_1_rnn from './06-1-rnn.js';
import type * as E_06_2_lstm_backward from '../06-2-lstm-backward.js';
import type * as S_06_2_lstm_backward from './06-2-lstm-backward.js';
import type * as E_06_3_clip_grad_norm from '../06-3-clip-grad-norm.js';
import type * as S_06_3_clip_grad_norm from './06-3-clip-grad-norm.js';
import type * as E_08_1_householder from '../08-1-householder.js';
import type * as S_08_1_householder from './08-1-householder.js';
import type * as E_08_2_qr from '../08-2-qr.js';
import type * as S_08_2_qr from './08-2-qr.js';
import type * as E_08_3_pca from '../08-3-pca.js';
import type * as S_08_3_pca from './08-3-pca.js';

/** Compiles only when every solution module fits the exercise module of the same name. */
export type SolutionsFitExercises = [
  Fits<typeof S_00_1_more_ops, typeof E_00_1_more_ops>,
  Fits<typeof S_00_2_backward, typeof E_00_2_backward>,
  Fits<typeof S_00_3_numerical_gradient, typeof E_00_3_numerical_gradient>,
  Fits<typeof S_01_1_broadcast_shapes, typeof E_01_1_broadcast_shapes>,
  Fits<typeof S_01_2_strides, typeof E_01_2_strides>,
  Fits<typeof S_01_3_sum_to_shape, typeof E_01_3_sum_to_shape>,
  Fits<typeof S_02_1_unary_ops, typeof E_02_1_unary_ops>,
  Fits<typeof S_02_2_hypot, typeof E_02_2_hypot>,
  Fits<typeof S_02_3_gradcheck, typeof E_02_3_gradcheck>,
  Fits<typeof S_03_1_cross_entropy, typeof E_03_1_cross_entropy>,
  Fits<typeof S_03_2_momentum, typeof E_03_2_momentum>,
  Fits<typeof S_03_3_warmup_cosine, typeof E_03_3_warmup_cosine>,
  Fits<typeof S_03_4_train_step, typeof E_03_4_train_step>,
  Fits<typeof S_04_1_im2col, typeof E_04_1_im2col>,
  Fits<typeof S_04_2_conv_gradients, typeof E_04_2_conv_gradients>,
  Fits<typeof S_04_3_max_pool, typeof E_04_3_max_pool>,
  Fits<typeof S_05_1_batch_norm_forward, typeof E_05_1_batch_norm_forward>,
  Fits<typeof S_05_2_batch_norm_backward, typeof E_05_2_batch_norm_backward>,
  Fits<typeof S_05_3_fold_bn, typeof E_05_3_fold_bn>,
  Fits<typeof S_05_4_residual_block, typeof E_05_4_residual_block>,
  Fits<typeof S_06_1_rnn, typeof E_06_1_rnn>,
  Fits<typeof S_06_2_lstm_backward, typeof E_06_2_lstm_backward>,
  Fits<typeof S_06_3_clip_grad_norm, typeof E_06_3_clip_grad_norm>,
  Fits<typeof S_08_1_householder, typeof E_08_1_householder>,
  Fits<typeof S_08_2_qr, typeof E_08_2_qr>,
  Fits<typeof S_08_3_pca, typeof E_08_3_pca>,
];
type Fits<Solution extends Exercise, Exercise> = [Solution, Exercise];
