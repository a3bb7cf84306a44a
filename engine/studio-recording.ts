/**
 * The studio's recording: the Record button starts and stops an MCAP recording of the live session
 * (`engine/session-recording.ts`, the same as `run --record`) in the first `--runs` folder's
 * recordings/, named by the clock; `serve --record FILE` starts one at a path the user chose. Clients
 * never name the file written. Opening a recording for playback goes through the host's file checks.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PlaybackData, RecordingListing, RecordingStatus } from '../protocol/recording.ts';
import { readRecording } from '../bridges/recording/read-recording.ts';
import { recordingPlayback } from '../bridges/recording/recording-playback.ts';
import type { FileAccess } from './file-access.ts';
import { recordSession, type SessionRecording } from './session-recording.ts';
import type { Session } from './session.ts';

export class StudioRecording {
  private recording: SessionRecording | undefined;
  private last: RecordingStatus | undefined;
  private startedAt = 0;

  constructor(
    private readonly session: Session,
    private readonly files: FileAccess,
    /** The studio's runs folder, then the other `--runs` folders; recordings go to the first one's recordings/. */
    private readonly runDirs: readonly string[],
  ) {}

  /** Where the Record button writes, if anywhere. */
  get folder(): string | undefined {
    return this.runDirs[0] === undefined ? undefined : join(this.runDirs[0], 'recordings');
  }

  status(): RecordingStatus {
    const folder = this.folder;
    if (!this.recording) return { ...(this.last ?? { active: false }), ...(folder ? { folder } : {}) };
    const dropped = this.recording.dropped();
    return {
      active: true,
      path: this.recording.path,
      seconds: Math.max(0, this.session.simTime - this.startedAt),
      ...(Object.keys(dropped).length ? { dropped } : {}),
      ...(folder ? { folder } : {}),
    };
  }

  /** Starts recording to `path` (the CLI's --record), or to a new file in the recordings folder. */
  start(path?: string): RecordingStatus {
    if (this.recording) return this.status();
    let file = path;
    if (!file) {
      const folder = this.folder;
      if (!folder) throw new Error('this studio has no folder for recordings: start `actuate serve` with --runs DIR (recordings go to DIR/recordings)');
      mkdirSync(folder, { recursive: true });
      file = join(folder, `session-${new Date().toISOString().replace(/[:.]/g, '-')}.mcap`);
    }
    this.startedAt = this.session.simTime;
    // The studio sees drops in the status it polls; the server's log says them at once.
    this.recording = recordSession(this.session, file, { onStatus: (m) => process.stderr.write(`recording: ${m}\n`) });
    return this.status();
  }

  /** Stops the recording; answers once its file is complete. */
  async stop(): Promise<RecordingStatus> {
    const recording = this.recording;
    if (!recording) return this.status();
    const status = this.status();
    this.recording = undefined;
    await recording.stop();
    const counted = recording.dropped();
    const dropped = Object.keys(counted).length ? counted : undefined;
    this.last = { active: false, ...(status.path ? { path: status.path } : {}), ...(status.seconds !== undefined ? { seconds: status.seconds } : {}), ...(dropped ? { dropped } : {}) };
    return this.status();
  }

  /** The .mcap files in each `--runs` folder's recordings/, newest name first. */
  list(): RecordingListing {
    const folders = this.runDirs.map((d) => join(d, 'recordings'));
    const files = folders.flatMap((folder) => {
      try {
        return readdirSync(folder).filter((f) => f.toLowerCase().endsWith('.mcap')).map((f) => join(folder, f));
      } catch {
        return [];
      }
    });
    return { folders, files: files.sort().reverse() };
  }

  /** Reads a recording a client named (checked like any file a client names) and lays it out for playback. */
  async open(file: string): Promise<PlaybackData> {
    if (this.recording && resolve(file) === resolve(this.recording.path)) throw new Error(`${file} is still being recorded: stop the recording first`);
    const real = this.files.check(file, 'recording');
    return recordingPlayback(await readRecording(real), this.session.task.scene);
  }

  async dispose(): Promise<void> {
    const recording = this.recording;
    this.recording = undefined;
    await recording?.stop();
  }
}
