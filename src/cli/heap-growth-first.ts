// Imported first by the CLI's entry, which loads the rest of the CLI only after it: parsing and
// compiling those modules is itself an allocation burst that grows new space.
import { cliHeapGrowth, limitHeapGrowth } from '../heap-growth.ts';

limitHeapGrowth(cliHeapGrowth);
