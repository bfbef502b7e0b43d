/**
 * cpu — every kernel as plain TypeScript loops, in float32, float64 and int32.
 *
 * This backend is the reference: readable, complete, and the oracle every other backend is
 * tested against. Files in reading order: iterate (index arithmetic), elementwise, reduce,
 * sort, scan, movement, matmul, conv (im2col), pool.
 */
import type { Kernels } from '../types.js';
import { allFinite, binary, cast, compare, unary, unaryParam, where } from './elementwise.js';
import { argReduce, reduce } from './reduce.js';
import { argsort } from './sort.js';
import { scan } from './scan.js';
import { broadcastTo, concat, gather, indexAdd, indexSelect, oneHot, pad, permute, scatterAdd, slice, sliceScatter } from './movement.js';
import { matmul, matmulTransposed } from './matmul.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput, fusedConv2d } from './conv.js';
import {
  adaptiveAvgPool2d, adaptiveAvgPool2dBackward, avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward, maxPool2dWithIndices,
} from './pool.js';
import { channelAffine, channelMoments, channelSums } from './batch-norm.js';
import { gruBackward, gruForward, lstmBackward, lstmForward } from './rnn.js';
import { adagradStep, adamStep, rmspropStep, sgdStep } from './optim.js';
import { geluWithDerivative } from './gelu.js';
import { softmaxBackward, softmaxLastAxis } from './softmax.js';
import { layerNorm, layerNormBackward } from './layer-norm.js';

export const cpuKernels: Kernels = {
  name: 'cpu',
  unary, unaryParam, binary, compare, where, cast, allFinite,
  reduce, argReduce,
  argsort, scan,
  permute, broadcastTo, slice, sliceScatter, concat, pad, gather, scatterAdd, indexSelect, indexAdd, oneHot,
  matmul, matmulTransposed,
  conv2d, conv2dBackpropInput, conv2dBackpropFilter, fusedConv2d,
  maxPool2d, maxPool2dBackward, maxPool2dWithIndices, avgPool2d, avgPool2dBackward, adaptiveAvgPool2d, adaptiveAvgPool2dBackward,
  channelMoments, channelSums, channelAffine,
  lstmForward, lstmBackward, gruForward, gruBackward,
  sgdStep, adamStep, rmspropStep, adagradStep,
  geluWithDerivative, softmaxLastAxis, softmaxBackward, layerNorm, layerNormBackward,
};
