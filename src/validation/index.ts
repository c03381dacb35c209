export * from './checkOptions';
