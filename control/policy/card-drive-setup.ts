/**
 * Reads a policy's model card as the DriveSetup free play builds its robot from (sim/robot/drive-setup.ts),
 * and registers itself as the reader: importing this module (onnx-policy does) lets `robot:` tasks
 * take a `card` parameter.
 */
import { actionTypes } from '../../models/observation-layout.ts';
import { loadModelCard } from '../../models/model-card.ts';
import { ParamError } from '../../sim/params.ts';
import { setDriveSetupReader, type DriveSetup } from '../../sim/robot/drive-setup.ts';

export function cardDriveSetup(file: string): DriveSetup {
  const policy = loadModelCard(file).card.policy;
  if (!policy) throw new ParamError(`${file}: not a policy card (it has no 'policy' section)`);
  return {
    source: file,
    joints: policy.joints,
    types: actionTypes(policy),
    defaultPose: policy.defaultPose,
    stiffness: policy.pd.stiffness,
    servoDamping: policy.pd.servoDamping,
    ...(policy.pd.jointDamping ? { jointDamping: policy.pd.jointDamping } : {}),
    ...(policy.pd.torqueLimit ? { torqueLimit: policy.pd.torqueLimit } : {}),
    ...(policy.pd.armature ? { armature: policy.pd.armature } : {}),
    physicsHz: policy.rates.physicsHz,
    controlHz: policy.rates.controlHz,
  };
}

setDriveSetupReader(cardDriveSetup);
