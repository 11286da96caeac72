import type { TestProject } from 'vitest/node';
import { startDynalite, startS3Server, startSesEmulator } from '../../local/stack/emulators';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoUrl: string;
    sesUrl: string;
    s3Url: string;
  }
}

/** Real emulators on free ports, started once for the whole test run and stopped after it. */
export default async function setup(project: TestProject) {
  const dynamo = await startDynalite({ port: 0 });
  const ses = await startSesEmulator({ port: 0 });
  const s3 = await startS3Server({ port: 0 });
  project.provide('dynamoUrl', dynamo.url);
  project.provide('sesUrl', ses.url);
  project.provide('s3Url', s3.url);
  return async () => {
    await s3.close();
    await ses.close();
    await dynamo.close();
  };
}
