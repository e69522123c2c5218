import NodeEnvironment from "jest-environment-node";
import { removeTempDirs } from "./temp-dirs";

/**
 * jest's node environment, which also removes the test file's temporary directories (tempDir in
 * __tests__/temp-dirs.ts) when the file ends: after every afterAll hook of the file, so a server or
 * a cluster a file stops in its own afterAll still has its directory until then.
 */
export default class TestEnvironment extends NodeEnvironment {
  override async teardown(): Promise<void> {
    removeTempDirs(this.global);
    await super.teardown();
  }
}
