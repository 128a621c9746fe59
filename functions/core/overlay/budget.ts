// A work budget for one analysis (a layer's validity and coverage, a draft's publish checks): how many
// vertices it may read and how long it may run. The caller passes both from its configuration and its
// clock (the core reads no clock of its own); past either, the analysis stops with
// AnalysisBudgetExceededError, an InvalidGeometryError (422) that says what to simplify, instead of
// holding a process for minutes. The algorithms are O(n log n), so the budget is a guard against input
// nobody foresaw, not the way ordinary layers are kept fast.
import { InvalidGeometryError } from '../errors.js';

export interface AnalysisBudget {
  /** Vertices one analysis may read, over every feature and layer it checks. */
  readonly maxVertices?: number;
  /** Milliseconds one analysis may run, measured with `clock`. */
  readonly maxMillis?: number;
  /** The caller's clock in milliseconds (e.g. performance.now); needed for `maxMillis`. */
  readonly clock?: () => number;
}

export class AnalysisBudgetExceededError extends InvalidGeometryError {}

/** Work units between two looks at the clock: a clock read costs far more than a unit of work. */
const TICKS_PER_CLOCK_READ = 4096;

/** The running account of one analysis against its budget. */
export class BudgetMeter {
  private vertices = 0;
  private ticks = 0;
  private readonly deadline: number;

  constructor(private readonly budget: AnalysisBudget = {}) {
    this.deadline =
      budget.maxMillis !== undefined && budget.clock
        ? budget.clock() + budget.maxMillis
        : Number.POSITIVE_INFINITY;
  }

  /** A meter with no limits, for callers that pass no budget. */
  static unlimited(): BudgetMeter {
    return new BudgetMeter();
  }

  /** Counts `n` more vertices about to be read; throws when that goes over the budget. */
  spendVertices(n: number, what: string): void {
    this.vertices += n;
    const cap = this.budget.maxVertices;
    if (cap !== undefined && this.vertices > cap) {
      throw exceeded(
        `${what} brings the analysis to ${this.vertices.toLocaleString('en-GB')} vertices, over its budget of ` +
          `${cap.toLocaleString('en-GB')}. Simplify the boundaries (e.g. mapshaper -simplify 10%) or split the layer, and check again.`,
      );
    }
  }

  /** Counts one unit of work (an edge event, a pair); looks at the clock now and then. */
  tick(): void {
    if (++this.ticks % TICKS_PER_CLOCK_READ !== 0) return;
    this.checkClock();
  }

  /** Looks at the clock now (between coarse steps: one feature, one layer). */
  checkClock(): void {
    if (this.deadline === Number.POSITIVE_INFINITY || this.budget.clock!() <= this.deadline) return;
    throw exceeded(
      `The geometry checks ran out of their time budget (${this.budget.maxMillis!.toLocaleString('en-GB')} ms) ` +
        'before finishing: the layer is too complex to check here. Simplify the boundaries ' +
        '(e.g. mapshaper -simplify 10%), fix any self-intersections, or split the layer, and check again.',
    );
  }
}

function exceeded(message: string): AnalysisBudgetExceededError {
  return new AnalysisBudgetExceededError(message, [{ kind: 'analysis-budget-exceeded', message }]);
}
