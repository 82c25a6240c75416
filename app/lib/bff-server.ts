import { serverHelpers } from 'next-edge-bff/server';
import { bff } from './bff';

export const { currentUser, requireUser, backendFetch } = serverHelpers(bff);
