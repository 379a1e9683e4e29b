import { ConfigError } from './config';

/**
 * Runs an app's start-up; a failure ends the process with status 1. A configuration error prints its
 * message alone (it names the variable to fix); anything else is printed whole, under the app's name.
 */
export function startOrExit(appName: string, start: () => Promise<void>): void {
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
    } else {
      console.error(`${appName} failed to start:`, error);
    }
    process.exit(1);
  });
}
