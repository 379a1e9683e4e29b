import { Global, Module } from '@nestjs/common';
import { loadConfig, type HooklineConfig } from './config';

/** Injection token of the validated HooklineConfig. */
export const HOOKLINE_CONFIG = Symbol('HOOKLINE_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  /** Reads the environment once; pass a config to override it (tests). */
  static forRoot(config: HooklineConfig = loadConfig()) {
    return {
      module: ConfigModule,
      providers: [{ provide: HOOKLINE_CONFIG, useValue: config }],
      exports: [HOOKLINE_CONFIG],
    };
  }
}
