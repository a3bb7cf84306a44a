import { afterEach, describe, expect, it } from 'vitest';
import { takeRosOptions } from './ros-options.ts';

describe('takeRosOptions', () => {
  const saved = process.env.ROS_MASTER_URI;
  afterEach(() => {
    if (saved === undefined) delete process.env.ROS_MASTER_URI;
    else process.env.ROS_MASTER_URI = saved;
  });

  it('takes --ros1 URI, --ros-ns and --ros-rate out and leaves the rest in order', () => {
    const { rest, ros } = takeRosOptions(['--task', 'x', '--ros1', 'http://10.0.0.2:11311', '--ros-ns', 'go2', '--ros-rate', '100', '--json']);
    expect(rest).toEqual(['--task', 'x', '--json']);
    expect(ros.ros1).toEqual({ masterUri: 'http://10.0.0.2:11311', namespace: 'go2', rateHz: 100 });
  });

  it("--ros1 without a URI uses $ROS_MASTER_URI, else roscore's default address", () => {
    process.env.ROS_MASTER_URI = 'http://10.0.0.5:11311';
    expect(takeRosOptions(['--ros1', '--json']).ros.ros1).toEqual({ masterUri: 'http://10.0.0.5:11311', rateHz: 50 });
    delete process.env.ROS_MASTER_URI;
    expect(takeRosOptions(['--ros1']).ros.ros1?.masterUri).toBe('http://127.0.0.1:11311');
  });

  it('rejects a bad rate, a bad namespace and ROS flags without --ros1', () => {
    expect(() => takeRosOptions(['--ros1', 'http://h:1', '--ros-rate', '0'])).toThrow(/--ros-rate/);
    expect(() => takeRosOptions(['--ros1', 'http://h:1', '--ros-ns', 'a b'])).toThrow(/not a ROS name/);
    expect(() => takeRosOptions(['--ros-ns', 'go2'])).toThrow(/go with --ros1/);
    expect(takeRosOptions(['--ros1', 'http://h:1', '--ros-joints', 'elbow_flex, shoulder_pan']).ros.ros1!.joints).toEqual(['elbow_flex', 'shoulder_pan']);
    expect(() => takeRosOptions(['--ros1', 'http://h:1', '--ros-joints', ','])).toThrow(/--ros-joints needs joint names/);
    expect(() => takeRosOptions(['--ros-joints', 'elbow_flex'])).toThrow(/go with --ros1/);
    expect(takeRosOptions(['--ros1', 'http://h:1', '--ros-topic', 'joint_states=arm/state', '--ros-topic', 'cmd_vel=/teleop/cmd_vel']).ros.ros1!.topics).toEqual({ joint_states: 'arm/state', cmd_vel: '/teleop/cmd_vel' });
    expect(() => takeRosOptions(['--ros1', 'http://h:1', '--ros-topic', 'joints=x'])).toThrow(/--ros-topic: no ROS topic 'joints' to rename \(topics: joint_states, tf,/);
    expect(() => takeRosOptions(['--ros1', 'http://h:1', '--ros-topic', 'tf=a b'])).toThrow(/'a b' \(for tf\) is not a ROS topic name/);
    expect(() => takeRosOptions(['--ros1', 'http://h:1', '--ros-topic', 'tf'])).toThrow(/needs KEY=NAME/);
    expect(() => takeRosOptions(['--rosbridge'])).toThrow(/needs a URL/);
    expect(takeRosOptions(['--rosbridge', 'ws://h:9090', '--ros-ns', 'a']).ros).toEqual({ rosbridge: { url: 'ws://h:9090', namespace: 'a', rateHz: 50 } });
    expect(takeRosOptions(['--task', 't']).ros).toEqual({});
  });
});
