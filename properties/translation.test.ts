import { defineFamilySuite } from './support/family-suite.ts';

defineFamilySuite('translation');
