/** Signatures and content trust: Harbor's project policies that refuse pulls of unsigned artifacts. */
package dev.berth.signature;
