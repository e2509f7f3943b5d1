import type { InputType, StepManifest } from './manifest';

/**
 * What the type checker knows about a manifest's inputs. A manifest declared `as const satisfies StepManifest`
 * keeps its input names, types, defaults and options as literal types, so reading an input it does not declare,
 * or comparing a choice with a value it does not offer, fails to compile. For a manifest typed only as
 * `StepManifest` every name is a `string` and every choice a `string`.
 */

/** The union of the specs a manifest declares. */
type SpecsOf<M extends StepManifest> = M['inputs'][number];

/** Every input name of a manifest. */
export type InputName<M extends StepManifest> = SpecsOf<M>['name'];

/** Names of the inputs whose type is one of `T`. */
export type InputNameOfType<M extends StepManifest, T extends InputType> = NameIfType<SpecsOf<M>, T>;

type NameIfType<S, T> = S extends { readonly name: infer N extends string; readonly type: infer K }
  ? [Extract<K, T>] extends [never]
    ? never
    : N
  : never;

/** The spec(s) named `N` (distributes over both unions). */
export type SpecNamed<M extends StepManifest, N> = Named<SpecsOf<M>, N>;

type Named<S, N> = S extends { readonly name: infer SN } ? (N extends SN ? S : never) : never;

/** A value read from an input: never undefined when the manifest gives a default (readInputs applied it). */
export type Filled<S, V> = S extends { readonly default: string } ? V : V | undefined;

/** A pickList's value: one of its options. */
export type ChoiceOf<S> = S extends { readonly options: readonly (infer O)[] }
  ? Filled<S, O>
  : Filled<S, string>;

/** Input types read as text. pickList inputs are read with `choice`, which gives their options' union. */
export type TextType = 'string' | 'multiLine' | 'filePath' | 'azureConnection';

/**
 * Names of the inputs whose `appliesWhen` names something other than a pickList or boolean input of the manifest,
 * or a value it does not offer; `never` when every condition is right.
 */
export type AppliesWhenProblems<M extends StepManifest> = BadConditions<M, SpecsOf<M>>;

type BadConditions<M extends StepManifest, S> = S extends {
  readonly name: infer N;
  readonly appliesWhen: infer C;
}
  ? {
      [K in keyof C]-?: K extends InputNameOfType<M, 'pickList' | 'boolean'> ? BadValues<M, K, C[K], N> : N;
    }[keyof C]
  : never;

type BadValues<M extends StepManifest, K, V, N> = V extends readonly (infer Value)[]
  ? [Value] extends [OptionOf<SpecNamed<M, K>>]
    ? never
    : N
  : N;

type OptionOf<S> = S extends { readonly options: readonly (infer O)[] }
  ? O
  : S extends { readonly type: 'boolean' }
    ? 'true' | 'false'
    : never;

/** Compiles only when `T` is `never`: `Holds<AppliesWhenProblems<typeof manifest>>`. */
export type Holds<T extends never> = T;
