export * from './ofType';
export * from './fromNode';
export * from './awaitOutput';
export * from './boardio';
export * from './queueByUnit';
