import { defineFamilySuite } from './support/family-suite.ts';

defineFamilySuite('big-memory');
