// The training images a run trains on: the dataset's, less the 10,000 validation images an Adam + learned
// schedule run holds out for its controller (src/data/holdout.ts, src/engine/learnedRun.ts). Its epochs,
// budget and x axes count those.
import { holdoutSize } from '../data/holdout';
import { optimizerInfo } from '../optim/catalog';

export function runTrainSize(optimizer: string, nTrain: number): number {
  let learned = false;
  try {
    learned = optimizerInfo(optimizer).group === 'learned';
  } catch {
    // an imported run's optimizer this build does not know
  }
  return learned ? nTrain - holdoutSize(nTrain) : nTrain;
}
