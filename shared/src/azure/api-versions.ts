// Apart from arm-clients.ts so that the generators (task.json data sources) read it without loading the SDKs.

/**
 * The api-version of every Machine Learning ARM call made through the SDK. Pinned to the version the SDK's
 * models were generated from (2.1.1: 2022-10-01) on purpose: the serializer drops properties its models do not
 * know, so a newer api-version would send PUT bodies that silently lack that version's new fields (a PUT
 * replaces the resource: they would be reset). Fields only newer versions have (mirrorTraffic,
 * notificationSetting, dataCollector) go through one small module that builds those bodies itself.
 * See docs/decisions/0008-azure-access.md.
 */
export const machineLearningApiVersion = '2022-10-01';
